// A list of messages (the chat view and the thread panel share it): grouped by author and day,
// a "New" divider at the read mark, reactions, thread links, edit and delete of your own, and the
// sending / pending / failed states of optimistic sends. Rendering is keyed: an element is rebuilt
// only when what it shows changed, so scroll position, focus and hover survive live updates.
import {h, replace} from '../dom.js';
import {formatMessage} from '../format.js';
import {state, userName, isChannel} from '../store.js';
import {clock, full, dayKey, dayLabel} from '../time.js';
import * as client from '../client.js';
import {attachmentList} from './attachments.js';
import {openReactionPicker} from './picker.js';
import {showError} from './toasts.js';

const GROUP_MS = 5 * 60 * 1000;

/**
 * Renders messages into container. opts: {inThread, lastReadSeq, gapAfter, onOpenThread(m), onLoadNewer()}.
 * view: a per-list object holding the keyed element cache and the id being edited.
 */
export function renderMessages(container, messages, opts, view) {
  view.els ||= new Map();
  const items = [];
  let prev = null;
  let dividerPlaced = false;
  for (const m of messages) {
    const day = dayKey(m.createdAt);
    if (!prev || dayKey(prev.createdAt) !== day) items.push({key: 'day:' + day, sig: dayLabel(m.createdAt), make: () => daySeparator(m.createdAt)});
    if (!dividerPlaced && opts.lastReadSeq != null && !m._local && m.seq > opts.lastReadSeq && m.senderId !== state.me.id && prev) {
      dividerPlaced = true;
      items.push({key: 'new', sig: 'new', make: () => h('div', {class: 'new-divider', attrs: {role: 'separator', 'aria-label': 'New messages'}}, h('span', {text: 'New'}))});
    }
    const grouped = prev && !(opts.inThread && prev === messages[0]) && !dividerPlacedJustNow(items) && prev.senderId === m.senderId && !prev.bot && !m.bot
      && dayKey(prev.createdAt) === day && Date.parse(m.createdAt) - Date.parse(prev.createdAt) < GROUP_MS && !prev.deleted;
    const sig = signature(m, grouped, view.editingId === m.id, opts);
    items.push({key: 'm:' + m.id, sig, make: () => messageEl(m, {grouped, editing: view.editingId === m.id, opts, view})});
    if (opts.gapAfter != null && m.seq === opts.gapAfter) {
      items.push({key: 'gap', sig: 'gap', make: () => h('button', {class: 'load-newer', type: 'button', text: 'Load newer messages', on: {click: opts.onLoadNewer}})});
    }
    prev = m;
  }
  const keep = new Set();
  const nodes = items.map(it => {
    keep.add(it.key);
    const old = view.els.get(it.key);
    if (old && old.sig === it.sig) return old.el;
    const el = it.make();
    view.els.set(it.key, {sig: it.sig, el});
    return el;
  });
  for (const k of view.els.keys()) if (!keep.has(k)) view.els.delete(k);
  // Reorder with the fewest moves: only touch nodes not already in place.
  let cursor = container.firstChild;
  for (const n of nodes) {
    if (n === cursor) { cursor = cursor.nextSibling; continue; }
    container.insertBefore(n, cursor);
  }
  while (cursor) { const next = cursor.nextSibling; cursor.remove(); cursor = next; }
}

function dividerPlacedJustNow(items) {
  return items.length && items[items.length - 1].key === 'new';
}

function signature(m, grouped, editing, opts) {
  const chat = state.chats.get(m.chatId);
  const seen = chat?.kind === 'dm' && m.senderId === state.me.id ? Object.values(chat._receipts || {}).some(s => s >= m.seq) : false;
  return JSON.stringify([m.content, m.deleted, m.editedAt, m.reactions, m.replyCount, m.latestReplyAt, m._state, m._error,
    grouped, editing, (m.attachments || []).map(a => a.id), userName(m.senderId), m.bot, seen, !!opts.inThread, m.seq]);
}

function daySeparator(iso) {
  return h('div', {class: 'day-separator', attrs: {role: 'separator'}}, h('span', {text: dayLabel(iso)}));
}

function initials(name) {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map(w => [...w][0]).join('').toUpperCase() || '?';
}

function mentionsMe(m) {
  const mm = m.mentions || {};
  return (mm.handles || []).includes(state.me.handle) || mm.channel || mm.here;
}

function messageEl(m, {grouped, editing, opts, view}) {
  const own = m.senderId === state.me.id && !m.bot;
  const name = m.bot ? m.bot.name : userName(m.senderId);
  const el = h('article', {
    class: ['msg', grouped && 'grouped', mentionsMe(m) && !own && 'mentions-me', own && 'own', m._state && 'state-' + m._state, m.deleted && 'deleted'],
    dataset: {id: m.id, seq: m.seq ?? ''},
    tabIndex: -1,
    attrs: {'aria-label': `${name}, ${full(m.createdAt)}`},
  });
  const avatar = h('div', {class: 'avatar', attrs: {'aria-hidden': 'true'}, text: m.bot?.iconEmoji || initials(name)});
  el.append(grouped ? h('time', {class: 'gutter-time', text: clock(m.createdAt), attrs: {datetime: m.createdAt}}) : avatar);
  const body = h('div', {class: 'msg-body'});
  if (!grouped) {
    body.append(h('header', {class: 'msg-header'},
      h('span', {class: 'author', text: name}),
      m.bot ? h('span', {class: 'app-tag', text: 'APP'}) : null,
      h('time', {text: clock(m.createdAt), title: full(m.createdAt), attrs: {datetime: m.createdAt}})));
  }
  if (m.deleted) {
    body.append(h('div', {class: 'content tombstone', text: 'This message was deleted.'}));
  } else if (editing) {
    body.append(editor(m, view));
  } else {
    const content = h('div', {class: 'content'});
    content.append(formatMessage(m.content || '', {
      me: state.me.handle,
      channelNamed: n => [...state.chats.values()].find(c => isChannel(c) && c.name === n) || null,
      onChannel: c => document.dispatchEvent(new CustomEvent('parley:open-chat', {detail: {chatId: c.id}})),
    }));
    if (m.editedAt) content.append(h('span', {class: 'edited', text: ' (edited)'}));
    body.append(content);
    if (m.attachments?.length) body.append(attachmentList(m.attachments));
  }
  if (!m.deleted) {
    const reactions = reactionBar(m);
    if (reactions) body.append(reactions);
  }
  if (!opts.inThread && m.replyCount > 0 && !m.threadRootId) {
    body.append(h('button', {class: 'thread-link', type: 'button', on: {click: () => opts.onOpenThread?.(m)}},
      h('span', {text: m.replyCount === 1 ? '1 reply' : `${m.replyCount} replies`}),
      m.latestReplyAt ? h('span', {class: 'muted', text: ' · last reply ' + clock(m.latestReplyAt)}) : null));
  }
  const status = statusLine(m);
  if (status) body.append(status);
  el.append(body);
  if (!m.deleted && !m._local && !editing) el.append(actions(m, own, opts, view));
  return el;
}

function statusLine(m) {
  const chat = state.chats.get(m.chatId);
  if (m._state === 'sending') return h('div', {class: 'msg-status', attrs: {role: 'status'}, text: 'Sending…'});
  if (m._state === 'pending') return h('div', {class: 'msg-status', attrs: {role: 'status'}, text: 'Waiting for connection — will send when you are back online'});
  if (m._state === 'failed') {
    return h('div', {class: 'msg-status failed', attrs: {role: 'alert'}},
      h('span', {text: 'Not sent' + (m._error ? ': ' + m._error : '') + ' '}),
      h('button', {type: 'button', class: 'link', text: 'Retry', on: {click: () => client.retry(m.chatId, m.id)}}),
      ' ',
      h('button', {type: 'button', class: 'link', text: 'Discard', on: {click: () => client.discard(m.chatId, m.id)}}));
  }
  if (chat?.kind === 'dm' && m.senderId === state.me.id && Object.values(chat._receipts || {}).some(s => s >= m.seq)) {
    return h('div', {class: 'msg-status seen', text: 'Seen'});
  }
  return null;
}

function reactionBar(m) {
  const rs = m.reactions || [];
  if (!rs.length) return null;
  const bar = h('div', {class: 'reactions', attrs: {role: 'group', 'aria-label': 'Reactions'}});
  for (const r of rs) {
    const mine = (r.users || []).includes(state.me.id);
    const who = (r.users || []).map(userName).join(', ');
    bar.append(h('button', {
      type: 'button', class: ['reaction', mine && 'mine'],
      attrs: {'aria-pressed': mine ? 'true' : 'false', 'aria-label': `${r.emoji} ${r.count}: ${who}`, title: who},
      on: {click: () => client.toggleReaction(m, r.emoji).catch(showError)},
    }, h('span', {class: 'emoji', text: r.emoji}), h('span', {class: 'count', text: String(r.count)})));
  }
  bar.append(h('button', {type: 'button', class: 'reaction add', attrs: {'aria-label': 'Add reaction'}, text: '+',
    on: {click: e => openReactionPicker(e.currentTarget, emoji => client.toggleReaction(m, emoji).catch(showError))}}));
  return bar;
}

function actions(m, own, opts, view) {
  const bar = h('div', {class: 'msg-actions', attrs: {role: 'toolbar', 'aria-label': 'Message actions'}});
  bar.append(h('button', {type: 'button', text: '☺', attrs: {'aria-label': 'Add reaction'}, title: 'Add reaction',
    on: {click: e => openReactionPicker(e.currentTarget, emoji => client.toggleReaction(m, emoji).catch(showError))}}));
  if (!opts.inThread && !m.threadRootId) {
    bar.append(h('button', {type: 'button', text: '💬', attrs: {'aria-label': 'Reply in thread'}, title: 'Reply in thread',
      on: {click: () => opts.onOpenThread?.(m)}}));
  }
  if (own) {
    bar.append(h('button', {type: 'button', text: '✎', attrs: {'aria-label': 'Edit message'}, title: 'Edit',
      on: {click: () => view.startEdit?.(m.id)}}));
  }
  if (own || state.role === 'admin' || state.role === 'owner') {
    bar.append(h('button', {type: 'button', text: '🗑', attrs: {'aria-label': 'Delete message'}, title: 'Delete',
      on: {click: () => { if (confirm('Delete this message? This cannot be undone.')) client.deleteMessage(m).catch(showError); }}}));
  }
  return bar;
}

function editor(m, view) {
  const ta = h('textarea', {class: 'edit-box', value: m.content || '', rows: 2, attrs: {'aria-label': 'Edit message'}});
  const save = () => {
    const text = ta.value.trim();
    view.stopEdit?.();
    if (text && text !== m.content) client.editMessage(m, text).catch(showError);
  };
  ta.addEventListener('keydown', e => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); save(); }
    if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); view.stopEdit?.(); }
  });
  queueMicrotask(() => { ta.focus(); ta.setSelectionRange(ta.value.length, ta.value.length); });
  return h('div', {class: 'edit'}, ta,
    h('div', {class: 'edit-hint'},
      h('button', {type: 'button', class: 'link', text: 'Cancel', on: {click: () => view.stopEdit?.()}}), ' · ',
      h('button', {type: 'button', class: 'link', text: 'Save', on: {click: save}}),
      h('span', {class: 'muted', text: ' (Enter to save, Escape to cancel)'})));
}

/**
 * Keyboard navigation in a message list: ArrowUp/ArrowDown move between messages, Home/End to the
 * first/last; a focused message shows its actions, which Tab then reaches.
 */
export function navigateMessages(scroller) {
  scroller.addEventListener('keydown', e => {
    if (!['ArrowUp', 'ArrowDown', 'Home', 'End'].includes(e.key) || e.altKey || e.ctrlKey || e.metaKey) return;
    const current = e.target.closest?.('article.msg');
    if (e.target !== scroller && e.target !== current) return;
    const all = [...scroller.querySelectorAll('article.msg')];
    if (!all.length) return;
    let i = current ? all.indexOf(current) : (e.key === 'ArrowUp' || e.key === 'End' ? all.length : -1);
    if (e.key === 'ArrowUp') i = Math.max(0, i - 1);
    else if (e.key === 'ArrowDown') i = Math.min(all.length - 1, i + 1);
    else if (e.key === 'Home') i = 0;
    else i = all.length - 1;
    e.preventDefault();
    all[i].focus();
    all[i].scrollIntoView({block: 'nearest'});
  });
}

/** {@return the last message element whose top is above the bottom of the scroller} */
export function lastVisibleMessage(scroller) {
  const bottom = scroller.getBoundingClientRect().bottom;
  const els = scroller.querySelectorAll('article.msg');
  for (let i = els.length - 1; i >= 0; i--) {
    const r = els[i].getBoundingClientRect();
    if (r.top < bottom - 8 && r.height > 0) return els[i];
  }
  return null;
}

export {replace};
