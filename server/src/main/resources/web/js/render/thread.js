// The thread side panel: the root, its replies, and a composer that replies in the thread.
import {h, replace} from '../dom.js';
import {state, on, log} from '../store.js';
import * as client from '../client.js';
import {renderMessages, navigateMessages} from './messages.js';
import {createComposer, lastOwnMessage} from './composer.js';
import {showError} from './toasts.js';

let panel = null;

/** Opens the thread of root (a message) in el; opts: {onClose, replyId} */
export function mountThread(el, root, opts = {}) {
  unmountThread();
  const l = log(root.chatId);
  const p = panel = {rootId: root.id, el, els: new Map(), editingId: null, offs: []};
  p.startEdit = id => { p.editingId = id; render(); };
  p.stopEdit = () => { p.editingId = null; render(); };
  const close = h('button', {type: 'button', class: 'icon-button', text: '×', attrs: {'aria-label': 'Close thread'}, on: {click: () => opts.onClose?.()}});
  const count = h('span', {class: 'muted thread-count'});
  const list = h('div', {class: 'message-list'});
  const scroller = h('div', {class: 'scroller thread-scroller', tabIndex: 0, attrs: {role: 'log', 'aria-label': 'Thread replies'}}, list);
  const composer = createComposer({chatId: root.chatId, replyTo: root.id, label: 'Reply in thread', placeholder: 'Reply…',
    onSent: () => { scroller.scrollTop = scroller.scrollHeight; },
    onEditLast: () => { const m = lastOwnMessage(root.chatId, root.id); if (m) p.startEdit(m.id); }});
  replace(el, h('header', {class: 'thread-header'}, h('h2', {text: 'Thread'}), count, close), scroller, composer.el);
  el.hidden = false;
  el.setAttribute('aria-label', 'Thread');
  navigateMessages(scroller);

  function render() {
    if (panel !== p) return;
    const r = l.byId.get(root.id) || root;
    const replies = l.replies(root.id);
    const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 50;
    renderMessages(list, [r, ...replies], {inThread: true}, p);
    const n = Math.max(r.replyCount || 0, replies.filter(m => !m._local).length);
    count.textContent = n === 1 ? '1 reply' : `${n} replies`;
    if (atBottom) scroller.scrollTop = scroller.scrollHeight;
  }
  p.offs.push(on('thread', d => { if (!d || d.rootId === root.id) render(); }));
  p.offs.push(on('messages', d => { if (d.chatId === root.chatId) render(); }));
  p.offs.push(on('users', render));
  render();
  client.loadThread(root.id).then(() => {
    render();
    if (opts.replyId) {
      const t = list.querySelector(`article.msg[data-id="${CSS.escape(opts.replyId)}"]`);
      t?.scrollIntoView({block: 'center'});
      t?.classList.add('flash');
    } else scroller.scrollTop = scroller.scrollHeight;
  }, showError);
  composer.focus();
}

export function unmountThread() {
  if (!panel) return;
  for (const off of panel.offs) off();
  panel.el.hidden = true;
  panel.el.replaceChildren();
  panel = null;
}

export function threadOpen() { return panel?.rootId || null; }
