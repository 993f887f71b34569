// The safe message formatter: message text in, DOM nodes out. It never produces or parses HTML;
// every character of the content ends up in a text node. Supported (Slack-like):
//   *bold* or **bold**, _italic_, ~strike~, `code`, ```code block```, > quote, links, @mentions, #channels.
import {h} from './dom.js';

const URL_RE = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]}]/y;
const MENTION_RE = /@([a-z0-9._-]{2,40})/y;
const CHANNEL_RE = /#([a-z0-9._-]{1,80})/y;

/**
 * Formats content into a DocumentFragment.
 * ctx: {me: handle of the viewer, channelNamed(name) → chat or null, onChannel(chat)}
 */
export function formatMessage(content, ctx = {}) {
  const frag = document.createDocumentFragment();
  for (const block of blocks(String(content ?? ''))) {
    if (block.kind === 'code') {
      frag.append(h('pre', {class: 'code-block'}, h('code', {text: block.text})));
    } else if (block.kind === 'quote') {
      const q = h('blockquote');
      appendLines(q, block.text, ctx);
      frag.append(q);
    } else {
      const p = h('div', {class: 'para'});
      appendLines(p, block.text, ctx);
      frag.append(p);
    }
  }
  return frag;
}

/** Splits content into code fences, quote runs and plain runs. */
export function blocks(text) {
  const out = [];
  const lines = text.split('\n');
  let i = 0;
  let plain = [];
  let quote = [];
  const flush = () => {
    if (plain.length) out.push({kind: 'text', text: plain.join('\n')});
    if (quote.length) out.push({kind: 'quote', text: quote.join('\n')});
    plain = []; quote = [];
  };
  while (i < lines.length) {
    const line = lines[i];
    if (line.startsWith('```')) {
      const end = lines.findIndex((l, j) => j > i && l.trimEnd().endsWith('```'));
      if (end > i || (line.length > 6 && line.trimEnd().endsWith('```'))) {
        flush();
        if (end > i) {
          const body = [line.slice(3), ...lines.slice(i + 1, end), lines[end].trimEnd().slice(0, -3)];
          out.push({kind: 'code', text: trimBlankEdges(body).join('\n')});
          i = end + 1;
        } else {
          out.push({kind: 'code', text: line.trimEnd().slice(3, -3)});
          i++;
        }
        continue;
      }
    }
    if (line.startsWith('>')) {
      if (plain.length) { out.push({kind: 'text', text: plain.join('\n')}); plain = []; }
      quote.push(line.replace(/^> ?/, ''));
    } else {
      if (quote.length) { out.push({kind: 'quote', text: quote.join('\n')}); quote = []; }
      plain.push(line);
    }
    i++;
  }
  flush();
  return out;
}

function trimBlankEdges(lines) {
  let a = 0, b = lines.length;
  while (a < b && lines[a].trim() === '') a++;
  while (b > a && lines[b - 1].trim() === '') b--;
  return lines.slice(a, b);
}

function appendLines(parent, text, ctx) {
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (i > 0) parent.append(h('br'));
    parent.append(...inline(line, ctx, 0));
  });
}

const PAIRS = [
  {open: '**', tag: 'strong'},
  {open: '*', tag: 'strong'},
  {open: '_', tag: 'em'},
  {open: '~', tag: 's'},
];

/** Inline formatting of one line: {@return an array of nodes} */
export function inline(text, ctx = {}, depth = 0) {
  const nodes = [];
  let buf = '';
  const flushText = () => { if (buf) { nodes.push(document.createTextNode(buf)); buf = ''; } };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const prev = i === 0 ? ' ' : text[i - 1];
    const atWordStart = /[\s(\[{"'>]/.test(prev) || i === 0;
    if (c === '`') {
      const end = text.indexOf('`', i + 1);
      if (end > i + 1) {
        flushText();
        nodes.push(h('code', {class: 'inline-code', text: text.slice(i + 1, end)}));
        i = end + 1;
        continue;
      }
    }
    if (c === 'h' && atWordStart) {
      URL_RE.lastIndex = i;
      const m = URL_RE.exec(text);
      if (m) {
        flushText();
        nodes.push(h('a', {href: m[0], text: m[0], attrs: {target: '_blank', rel: 'noopener noreferrer nofollow'}}));
        i += m[0].length;
        continue;
      }
    }
    if (c === '@' && atWordStart) {
      MENTION_RE.lastIndex = i;
      const m = MENTION_RE.exec(text);
      if (m) {
        flushText();
        const handle = m[1].replace(/[._-]+$/, '');
        const self = ctx.me && (handle === ctx.me || ['channel', 'here', 'everyone'].includes(handle));
        nodes.push(h('span', {class: ['mention', self && 'mention-me'], text: '@' + handle}));
        i += 1 + handle.length;
        continue;
      }
    }
    if (c === '#' && atWordStart && ctx.channelNamed) {
      CHANNEL_RE.lastIndex = i;
      const m = CHANNEL_RE.exec(text);
      const chat = m && ctx.channelNamed(m[1].replace(/[._-]+$/, ''));
      if (chat) {
        flushText();
        nodes.push(h('button', {class: 'channel-ref', type: 'button', text: '#' + chat.name,
          on: {click: () => ctx.onChannel?.(chat)}}));
        i += 1 + chat.name.length;
        continue;
      }
    }
    if (depth < 3 && atWordStart) {
      const pair = PAIRS.find(p => text.startsWith(p.open, i));
      if (pair) {
        const start = i + pair.open.length;
        const end = findClose(text, pair.open, start);
        if (end > start) {
          flushText();
          nodes.push(h(pair.tag, {}, inline(text.slice(start, end), ctx, depth + 1)));
          i = end + pair.open.length;
          continue;
        }
      }
    }
    buf += c;
    i++;
  }
  flushText();
  return nodes;
}

/** The closing marker: not preceded by a space, followed by a non-word character or the end. */
function findClose(text, marker, from) {
  if (text[from] === ' ' || text[from] === undefined) return -1;
  let j = text.indexOf(marker, from);
  while (j >= 0) {
    const after = text[j + marker.length];
    if (text[j - 1] !== ' ' && (after === undefined || !/[A-Za-z0-9]/.test(after))) {
      if (!(marker === '*' && text[j + 1] === '*')) return j;
    }
    j = text.indexOf(marker, j + 1);
  }
  return -1;
}

/**
 * Search highlights arrive as HTML-escaped text in which only <mark>…</mark> is markup. This turns
 * one into nodes without any HTML parser: split on the two tags, decode the five entities, text nodes.
 */
export function highlightNodes(fragment) {
  const nodes = [];
  const parts = String(fragment).split(/(<mark>|<\/mark>)/);
  let marked = false;
  for (const p of parts) {
    if (p === '<mark>') { marked = true; continue; }
    if (p === '</mark>') { marked = false; continue; }
    if (!p) continue;
    const text = decodeEntities(p);
    nodes.push(marked ? h('mark', {text}) : document.createTextNode(text));
  }
  return nodes;
}

const ENTITIES = {'&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#x27;': "'", '&#x2F;': '/', '&#47;': '/'};

export function decodeEntities(s) {
  return s.replace(/&(amp|lt|gt|quot|#39|#x27|#x2F|#47);/g, m => ENTITIES[m]);
}

/** Marks every occurrence of the words of a query in text (offline search results). */
export function markWords(text, words) {
  const lowered = text.toLowerCase();
  const ranges = [];
  for (const w of words) {
    if (!w) continue;
    let at = lowered.indexOf(w);
    while (at >= 0) { ranges.push([at, at + w.length]); at = lowered.indexOf(w, at + w.length); }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const nodes = [];
  let pos = 0;
  for (const [a, b] of ranges) {
    if (a < pos) continue;
    if (a > pos) nodes.push(document.createTextNode(text.slice(pos, a)));
    nodes.push(h('mark', {text: text.slice(a, b)}));
    pos = b;
  }
  if (pos < text.length) nodes.push(document.createTextNode(text.slice(pos)));
  return nodes;
}
