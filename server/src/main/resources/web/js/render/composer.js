// The composer: Enter sends, Shift+Enter breaks the line, @people and #channels autocomplete,
// typing.start at most every 3 s (client.noteTyping), files attached with upload progress.
import {h, replace} from '../dom.js';
import {state, isChannel, log} from '../store.js';
import * as client from '../client.js';
import {uploadFile} from '../api.js';
import {formatSize} from './attachments.js';
import {showError} from './toasts.js';

const drafts = new Map();
let seq = 0;

/** opts: {chatId, replyTo, label, onSent, onEditLast} */
export function createComposer(opts) {
  const key = opts.chatId + ':' + (opts.replyTo || '');
  const listId = 'ac-' + (++seq);
  const ta = h('textarea', {class: 'composer-input', rows: 1, value: drafts.get(key) || '',
    placeholder: opts.placeholder || 'Message', attrs: {'aria-label': opts.label || 'Message', 'aria-autocomplete': 'list',
      'aria-controls': listId, 'aria-expanded': 'false', autocomplete: 'off'}});
  const list = h('ul', {class: 'autocomplete', id: listId, hidden: true, attrs: {role: 'listbox', 'aria-label': 'Suggestions'}});
  const files = h('ul', {class: 'upload-list', hidden: true, attrs: {'aria-label': 'Files to send'}});
  const picker = h('input', {type: 'file', multiple: true, hidden: true, attrs: {'aria-hidden': 'true', tabindex: '-1'}});
  const uploads = []; // {file, view?, error?, progress, abort, el}
  let suggestions = [];
  let active = -1;

  const attach = h('button', {type: 'button', class: 'icon-button attach', text: '📎', attrs: {'aria-label': 'Attach files'}, title: 'Attach files',
    on: {click: () => picker.click()}});
  const send = h('button', {type: 'button', class: 'send-button', text: 'Send', attrs: {'aria-label': 'Send message'}, on: {click: submit}});
  const el = h('div', {class: 'composer'}, list, files, h('div', {class: 'composer-row'}, attach, ta, send), picker);

  picker.addEventListener('change', () => { [...picker.files].forEach(addFile); picker.value = ''; });
  el.addEventListener('dragover', e => { if (e.dataTransfer?.types?.includes('Files')) e.preventDefault(); });
  el.addEventListener('drop', e => { if (e.dataTransfer?.files?.length) { e.preventDefault(); [...e.dataTransfer.files].forEach(addFile); } });
  ta.addEventListener('paste', e => { const fs = [...(e.clipboardData?.files || [])]; if (fs.length) { e.preventDefault(); fs.forEach(addFile); } });

  ta.addEventListener('input', () => {
    drafts.set(key, ta.value);
    autosize();
    if (ta.value.trim()) client.noteTyping(opts.chatId);
    updateSuggestions();
  });
  ta.addEventListener('blur', () => setTimeout(closeList, 150));
  ta.addEventListener('keydown', e => {
    if (!list.hidden && suggestions.length) {
      if (e.key === 'ArrowDown') { e.preventDefault(); setActive((active + 1) % suggestions.length); return; }
      if (e.key === 'ArrowUp') { e.preventDefault(); setActive((active - 1 + suggestions.length) % suggestions.length); return; }
      if (e.key === 'Enter' || e.key === 'Tab') { e.preventDefault(); choose(suggestions[Math.max(0, active)]); return; }
      if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); closeList(); return; }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); return; }
    if (e.key === 'ArrowUp' && !ta.value && opts.onEditLast) { e.preventDefault(); opts.onEditLast(); }
  });

  function autosize() {
    ta.style.height = 'auto';
    ta.style.height = Math.min(ta.scrollHeight, 200) + 'px';
  }

  function submit() {
    const text = ta.value.trim();
    if (uploads.some(u => !u.view && !u.error)) { showError(new Error('Wait for the uploads to finish.')); return; }
    const done = uploads.filter(u => u.view).map(u => u.view);
    if (!text && !done.length) return;
    client.sendMessage(opts.chatId, text, {replyTo: opts.replyTo, files: done});
    ta.value = '';
    drafts.delete(key);
    uploads.length = 0;
    renderUploads();
    autosize();
    closeList();
    opts.onSent?.();
  }

  function addFile(file) {
    const u = {file, progress: 0};
    const {promise, abort} = uploadFile(state.workspaceId, file, p => { u.progress = p; renderUploads(); });
    u.abort = abort;
    uploads.push(u);
    promise.then(view => { u.view = view; renderUploads(); },
      e => { if (e.code === 'aborted') { uploads.splice(uploads.indexOf(u), 1); } else { u.error = e.message; } renderUploads(); });
    renderUploads();
  }

  function renderUploads() {
    files.hidden = !uploads.length;
    replace(files, uploads.map(u => h('li', {class: ['upload', u.error && 'failed', u.view && 'done']},
      h('span', {class: 'file-name', text: u.file.name}),
      h('span', {class: 'muted', text: ' ' + formatSize(u.file.size) + ' '}),
      u.error ? h('span', {class: 'error-text', text: u.error})
        : u.view ? h('span', {class: 'muted', text: u.view.scan === 'unscanned' ? 'ready, not scanned for viruses' : 'ready'})
          : h('progress', {max: 1, value: u.progress, attrs: {'aria-label': 'Uploading ' + u.file.name}}),
      h('button', {type: 'button', class: 'link', text: 'Remove', attrs: {'aria-label': 'Remove ' + u.file.name},
        on: {click: () => { if (!u.view && !u.error) u.abort(); uploads.splice(uploads.indexOf(u), 1); renderUploads(); }}}))));
  }

  // @people and #channels: the word before the caret.
  function currentToken() {
    const upto = ta.value.slice(0, ta.selectionStart);
    const m = /(^|\s)([@#])([\w.\-]*)$/.exec(upto);
    return m ? {sigil: m[2], query: m[3].toLowerCase(), start: upto.length - m[3].length - 1} : null;
  }

  function updateSuggestions() {
    const tok = currentToken();
    if (!tok) { closeList(); return; }
    if (tok.sigil === '@') {
      const people = [...state.users.values()].filter(u => !u.deactivated
        && (u.handle.startsWith(tok.query) || (u.displayName || '').toLowerCase().split(/\s+/).some(w => w.startsWith(tok.query))));
      suggestions = people.slice(0, 6).map(u => ({insert: '@' + u.handle, label: u.displayName || u.handle, detail: '@' + u.handle}));
      for (const special of ['here', 'channel']) if (special.startsWith(tok.query) && tok.query) suggestions.push({insert: '@' + special, label: '@' + special, detail: 'notify everyone'});
    } else {
      suggestions = [...state.chats.values()].filter(c => isChannel(c) && c.name.startsWith(tok.query)).slice(0, 6)
        .map(c => ({insert: '#' + c.name, label: '#' + c.name, detail: c.topic || ''}));
    }
    if (!suggestions.length) { closeList(); return; }
    replace(list, suggestions.map((s, i) => h('li', {id: `${listId}-${i}`, class: 'ac-option', attrs: {role: 'option', 'aria-selected': 'false'},
      on: {mousedown: e => { e.preventDefault(); choose(s); }}},
      h('span', {class: 'ac-label', text: s.label}), h('span', {class: 'muted', text: ' ' + s.detail}))));
    list.hidden = false;
    ta.setAttribute('aria-expanded', 'true');
    setActive(0);
  }

  function setActive(i) {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute('aria-selected', j === i ? 'true' : 'false'));
    ta.setAttribute('aria-activedescendant', `${listId}-${i}`);
  }

  function choose(s) {
    const tok = currentToken();
    if (!tok) return;
    const before = ta.value.slice(0, tok.start), after = ta.value.slice(ta.selectionStart);
    ta.value = before + s.insert + ' ' + after;
    const caret = (before + s.insert + ' ').length;
    ta.setSelectionRange(caret, caret);
    drafts.set(key, ta.value);
    closeList();
    ta.focus();
  }

  function closeList() {
    list.hidden = true;
    suggestions = [];
    ta.setAttribute('aria-expanded', 'false');
    ta.removeAttribute('aria-activedescendant');
  }

  queueMicrotask(autosize);
  return {el, focus: () => ta.focus(), input: ta};
}

/** {@return the latest own, editable top-level message of a chat (for ArrowUp in an empty composer)} */
export function lastOwnMessage(chatId, rootId) {
  const l = log(chatId);
  const msgs = rootId ? l.replies(rootId) : l.top();
  for (let i = msgs.length - 1; i >= 0; i--) {
    const m = msgs[i];
    if (m.senderId === state.me.id && !m.deleted && !m._local && !m.bot) return m;
  }
  return null;
}
