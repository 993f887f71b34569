// Search (Ctrl+K / Ctrl+E): the server's query language, suggestions after 2 characters (300 ms
// debounce: recent searches, people, channels, top messages), highlighted results, jump to the
// message. Offline it searches the messages cached on this device, and says so.
import {h, replace} from '../dom.js';
import {highlightNodes, markWords} from '../format.js';
import {state, chatTitle, userName} from '../store.js';
import * as client from '../client.js';
import {searchCached} from '../cache.js';
import {full} from '../time.js';
import {openDialog} from './dialogs.js';

const RECENT_KEY = 'parley.recentSearches';
const recent = () => { try { return JSON.parse(localStorage.getItem(RECENT_KEY)) || []; } catch { return []; } };
function remember(q) {
  localStorage.setItem(RECENT_KEY, JSON.stringify([q, ...recent().filter(x => x !== q)].slice(0, 8)));
}

let openSearch = null;

export function openSearchDialog(initial = '') {
  if (openSearch) { openSearch.input.focus(); return; }
  const input = h('input', {type: 'search', value: initial, placeholder: 'Search messages', autocomplete: 'off',
    attrs: {'aria-label': 'Search', 'aria-describedby': 'search-help', 'aria-controls': 'search-suggest', 'aria-autocomplete': 'list'}});
  const help = h('p', {id: 'search-help', class: 'hint',
    text: 'Filters: from:@name  in:#channel  to:@name  mentions:@name  "exact phrase"  -exclude  before:2026-01-31  after:…  on:today  during:"last week"  has:link  has:reaction  has:file  is:thread'});
  const suggest = h('ul', {id: 'search-suggest', class: 'suggestions', attrs: {role: 'listbox', 'aria-label': 'Suggestions'}});
  const label = h('p', {class: 'results-label', attrs: {role: 'status'}});
  const results = h('ol', {class: 'results', attrs: {'aria-label': 'Search results'}});
  const more = h('button', {type: 'button', class: 'link', hidden: true, text: 'More results'});
  const form = h('form', {class: 'search-form', attrs: {role: 'search'}}, input);
  const {dialog, close} = openDialog('Search', h('div', {class: 'search'}, form, help, suggest, label, results, more), {wide: true});
  openSearch = {input};
  dialog.addEventListener('close', () => { openSearch = null; clearTimeout(timer); });
  let timer = null;
  let cursor = null;
  let lastQuery = '';
  let options = [];
  let active = -1;

  input.addEventListener('input', () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2) { showRecent(); return; }
    timer = setTimeout(() => suggestFor(q), 300);
  });
  input.addEventListener('keydown', e => {
    if (!options.length) return;
    if (e.key === 'ArrowDown') { e.preventDefault(); setActive((active + 1) % options.length); }
    if (e.key === 'ArrowUp') { e.preventDefault(); setActive((active - 1 + options.length) % options.length); }
    if (e.key === 'Enter' && active >= 0) { e.preventDefault(); options[active].run(); }
  });
  form.addEventListener('submit', e => { e.preventDefault(); run(input.value.trim(), false); });
  more.addEventListener('click', () => run(lastQuery, true));
  showRecent();
  input.focus();

  function setOptions(list) {
    options = list;
    active = -1;
    input.removeAttribute('aria-activedescendant');
    replace(suggest, list.map((o, i) => h('li', {id: 'sg-' + i, class: 'suggestion', attrs: {role: 'option', 'aria-selected': 'false'},
      on: {click: () => o.run()}}, h('span', {class: 'sg-kind', text: o.kind}), ' ', o.label)));
  }

  function setActive(i) {
    active = i;
    [...suggest.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
    input.setAttribute('aria-activedescendant', 'sg-' + i);
  }

  function showRecent() {
    setOptions(recent().slice(0, 5).map(q => ({kind: 'Recent', label: q, run: () => { input.value = q; run(q, false); }})));
  }

  async function suggestFor(q) {
    const fromRecent = recent().filter(r => r.toLowerCase().includes(q.toLowerCase())).slice(0, 2)
      .map(r => ({kind: 'Recent', label: r, run: () => { input.value = r; run(r, false); }}));
    if (!client.socket.online) { setOptions(fromRecent); return; }
    try {
      const r = await client.socket.request('search.query', {workspaceId: state.workspaceId, query: q, scope: 'all', limit: 3});
      if (input.value.trim() !== q) return;
      const list = [...fromRecent];
      for (const x of r.results) {
        if (x.type === 'person') list.push({kind: 'Person', label: `${x.person.displayName || x.person.handle} @${x.person.handle}`,
          run: () => { input.value = `from:@${x.person.handle} `; input.focus(); setOptions([]); }});
        if (x.type === 'channel') list.push({kind: 'Channel', label: '#' + x.channel.name,
          run: () => { close(); document.dispatchEvent(new CustomEvent('parley:open-chat', {detail: {chatId: x.channel.id}})); }});
        if (x.type === 'message' && list.filter(o => o.kind === 'Message').length < 3) list.push({kind: 'Message', label: (x.message.content || '').slice(0, 80),
          run: () => jump(x.message)});
      }
      setOptions(list.slice(0, 5 + fromRecent.length));
    } catch { setOptions(fromRecent); }
  }

  async function run(q, append) {
    if (!q) return;
    clearTimeout(timer);
    setOptions([]);
    if (!append) { cursor = null; replace(results); }
    lastQuery = q;
    remember(q);
    if (!client.socket.online) { await offline(q); return; }
    label.textContent = 'Searching…';
    label.classList.remove('offline-label');
    try {
      const payload = {workspaceId: state.workspaceId, query: q, scope: 'messages', sort: 'relevance', limit: 20,
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone};
      if (append && cursor) payload.cursor = cursor;
      const r = await client.socket.request('search.query', payload);
      cursor = r.cursor || null;
      more.hidden = !cursor;
      label.textContent = r.total ? `${r.total} result${r.total === 1 ? '' : 's'}` : 'No messages match.';
      for (const x of r.results) if (x.type === 'message') results.append(resultItem(x.message, x.highlight?.content?.[0] ? highlightNodes(x.highlight.content[0]) : [x.message.content]));
    } catch (e) {
      label.textContent = e.code === 'offline' ? '' : e.message;
      if (e.code === 'offline') await offline(q);
    }
  }

  async function offline(q) {
    more.hidden = true;
    const {words, hits} = await searchCached(q, new Set(state.chats.keys()));
    label.textContent = `Offline results: ${hits.length} message${hits.length === 1 ? '' : 's'} saved on this device (the server cannot be reached).`;
    label.classList.add('offline-label');
    for (const m of hits) results.append(resultItem(m, markWords(m.content || '', words), true));
  }

  function resultItem(m, contentNodes, offlineHit = false) {
    const chat = state.chats.get(m.chatId);
    return h('li', {}, h('button', {type: 'button', class: ['result', offlineHit && 'offline'], on: {click: () => jump(m)}},
      h('div', {class: 'result-meta'}, h('strong', {text: m.bot?.name || userName(m.senderId)}), ' in ', h('span', {text: chat ? chatTitle(chat) : 'a chat'}),
        h('time', {class: 'muted', text: ' · ' + full(m.createdAt), attrs: {datetime: m.createdAt}})),
      h('div', {class: 'result-content'}, contentNodes)));
  }

  function jump(m) {
    close();
    document.dispatchEvent(new CustomEvent('parley:open-chat', {detail: {chatId: m.chatId, messageId: m.id, seq: m.seq, threadRootId: m.threadRootId}}));
  }
}
