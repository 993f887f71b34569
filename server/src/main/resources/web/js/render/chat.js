// The chat view: header, history with infinite scroll back, the "New" divider and "Jump to last
// read", the "New messages" indicator of spec 002 §12, the typing line and the composer.
import {h, replace} from '../dom.js';
import {state, on, log, chatTitle, isChannel, unreadOf, dmPartner, userName} from '../store.js';
import * as client from '../client.js';
import {renderMessages, lastVisibleMessage, navigateMessages} from './messages.js';
import {createComposer, lastOwnMessage} from './composer.js';
import {typingText} from './typing.js';
import {presenceDot} from './presence.js';
import {openChatPrefs, openInvite, openTopic, openMembers} from './dialogs.js';
import {showError} from './toasts.js';

const BOTTOM_PX = 50;
let view = null;

/** Mounts the view of a chat into el. opts: {messageId, onOpenThread, onMenu} */
export function mountChat(el, chatId, opts = {}) {
  unmountChat();
  const chat = state.chats.get(chatId);
  const l = log(chatId);
  const v = view = {chatId, el, els: new Map(), editingId: null, newCount: 0, firstNewId: null,
    lastReadAtOpen: unreadOf(chatId).unreadCount ? unreadOf(chatId).lastReadSeq : null, initialScrollDone: false, offs: []};
  v.startEdit = id => { v.editingId = id; render(); };
  v.stopEdit = () => { v.editingId = null; render(); v.composer.focus(); };

  const title = h('h1', {id: 'chat-title', class: 'chat-title'});
  const topic = h('span', {class: 'topic'});
  const header = h('header', {class: 'chat-header'},
    h('button', {type: 'button', class: 'icon-button menu-button', text: '☰', attrs: {'aria-label': 'Show chats'}, on: {click: () => opts.onMenu?.()}}),
    h('div', {class: 'chat-heading'}, title, topic),
    h('div', {class: 'chat-tools'},
      isChannel(chat) ? h('button', {type: 'button', class: 'icon-button', text: '✎', title: 'Edit topic', attrs: {'aria-label': 'Edit topic'}, on: {click: () => openTopic(state.chats.get(chatId))}}) : null,
      h('button', {type: 'button', class: 'icon-button', text: '👥', title: 'Members', attrs: {'aria-label': 'Members'}, on: {click: () => openMembers(state.chats.get(chatId))}}),
      h('button', {type: 'button', class: 'icon-button', text: '🔔', title: 'Notification settings for this chat', attrs: {'aria-label': 'Notification settings for this chat'}, on: {click: () => openChatPrefs(state.chats.get(chatId))}}),
      state.role === 'admin' || state.role === 'owner' ? h('button', {type: 'button', class: 'icon-button', text: '➕', title: 'Invite people', attrs: {'aria-label': 'Invite people to the workspace'}, on: {click: openInvite}}) : null));
  const top = h('div', {class: 'history-top'});
  const list = h('div', {class: 'message-list'});
  const scroller = h('div', {id: 'messages', class: 'scroller', tabIndex: 0, attrs: {role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions'}}, top, list);
  const jump = h('button', {type: 'button', class: 'pill jump-last-read', hidden: true, text: 'Jump to last read', on: {click: jumpToLastRead}});
  const indicator = h('button', {type: 'button', class: 'pill new-messages', hidden: true, on: {click: () => { scrollToBottom(); hideIndicator(); }}});
  const typing = h('div', {class: 'typing-line', attrs: {'aria-live': 'polite'}});
  const composer = createComposer({chatId, label: 'Message ' + chatTitle(chat), placeholder: 'Message ' + chatTitle(chat),
    onSent: () => { scrollToBottom(); hideIndicator(); },
    onEditLast: () => { const m = lastOwnMessage(chatId); if (m) v.startEdit(m.id); }});
  v.composer = composer;
  replace(el, header, h('div', {class: 'scroll-wrap'}, scroller, jump, indicator), typing, composer.el);
  Object.assign(v, {title, topic, scroller, list, top, jump, indicator, typing});

  scroller.addEventListener('scroll', onScroll, {passive: true});
  navigateMessages(scroller);
  v.offs.push(on('messages', d => { if (d.chatId === chatId) onMessages(d); }));
  v.offs.push(on('typing', d => { if (!d || d.chatId === chatId) renderTyping(); }));
  v.offs.push(on('chats', renderHeader));
  v.offs.push(on('users', () => { renderHeader(); render(); }));
  v.offs.push(on('presence', renderHeader));
  v.offs.push(on('connection', () => { render(); }));
  const focusEvents = () => { client.setFocus(chatId); markVisible(); };
  window.addEventListener('focus', focusEvents);
  document.addEventListener('visibilitychange', focusEvents);
  v.offs.push(() => { window.removeEventListener('focus', focusEvents); document.removeEventListener('visibilitychange', focusEvents); });

  renderHeader();
  renderTyping();
  client.setFocus(chatId);
  const authors = new Set(l.top().slice(-50).map(m => m.senderId));
  client.subscribePresence([...authors]);

  const ready = l.loaded ? Promise.resolve() : client.loadLatest(chatId).catch(showError);
  ready.then(async () => {
    if (view !== v) return;
    if (opts.messageId) await jumpTo(opts.messageId, opts.seq);
    else if (v.lastReadAtOpen != null) await ensureLoadedBack(v.lastReadAtOpen);
    render();
    initialScroll(opts.messageId);
  });
  render();
  composer.focus();

  function render() {
    if (view !== v) return;
    const msgs = l.top();
    renderMessages(list, msgs, {lastReadSeq: v.lastReadAtOpen, gapAfter: l.gapAfter,
      onOpenThread: m => opts.onOpenThread?.(m), onLoadNewer: () => client.loadNewer(chatId).catch(showError)}, v);
    const c = state.chats.get(chatId);
    const status = !l.loaded && !l.fromCache ? 'Loading…'
      : l.fromCache ? 'Offline: showing the messages saved on this device.'
        : l.hasMoreBefore ? '' : `This is the very beginning of ${chatTitle(c)}.`;
    top.textContent = status;
    updateJump();
  }

  function renderHeader() {
    if (view !== v) return;
    const c = state.chats.get(chatId);
    if (!c) return;
    const partner = dmPartner(c);
    replace(title, partner ? presenceDot(partner) : null, chatTitle(c));
    topic.textContent = c.topic || (isChannel(c) ? '' : c.kind === 'group_dm' ? 'Group conversation' : '');
    scroller.setAttribute('aria-label', 'Messages in ' + chatTitle(c));
  }

  function renderTyping() {
    if (view !== v) return;
    typing.textContent = typingText(chatId);
  }

  function atBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < BOTTOM_PX;
  }

  function scrollToBottom() {
    scroller.scrollTop = scroller.scrollHeight;
  }

  function anchor() {
    const rect = scroller.getBoundingClientRect();
    for (const a of list.querySelectorAll('article.msg')) {
      const r = a.getBoundingClientRect();
      if (r.bottom > rect.top) return {el: a, offset: r.top - rect.top};
    }
    return null;
  }

  function onMessages(d) {
    const wasBottom = atBottom();
    const a = anchor();
    render();
    if (!v.initialScrollDone) return;
    const mine = d.arrived && d.arrived.senderId === state.me.id;
    if (d.arrived && !d.arrived.threadRootId && !mine && !wasBottom) {
      v.newCount++;
      v.firstNewId ||= d.arrived.id;
      showIndicator();
    }
    if ((wasBottom && !d.older) || mine) scrollToBottom();
    else if (a && a.el.isConnected) {
      scroller.scrollTop += a.el.getBoundingClientRect().top - scroller.getBoundingClientRect().top - a.offset;
    }
    markVisible();
  }

  function showIndicator() {
    indicator.textContent = `↓ ${v.newCount} new message${v.newCount === 1 ? '' : 's'}`;
    indicator.hidden = false;
  }

  function hideIndicator() {
    v.newCount = 0;
    v.firstNewId = null;
    indicator.hidden = true;
  }

  function onScroll() {
    if (atBottom()) hideIndicator();
    if (scroller.scrollTop < 300 && l.hasMoreBefore && l.loaded) client.loadOlder(chatId);
    updateJump();
    markVisible();
  }

  function initialScroll(messageId) {
    v.initialScrollDone = true;
    if (messageId) return;
    const divider = list.querySelector('.new-divider');
    if (divider) divider.scrollIntoView({block: 'center'});
    else scrollToBottom();
    markVisible();
  }

  // Loads pages back until the read mark is on screen (at most 10 pages), for "Jump to last read".
  async function ensureLoadedBack(seq) {
    for (let i = 0; i < 10 && l.hasMoreBefore && (l.oldestSeq() ?? 0) > seq + 1; i++) {
      if (!(await client.loadOlder(chatId))) break;
    }
  }

  function updateJump() {
    const divider = list.querySelector('.new-divider');
    if (!divider) { jump.hidden = true; return; }
    jump.hidden = divider.getBoundingClientRect().top >= scroller.getBoundingClientRect().top;
  }

  function jumpToLastRead() {
    list.querySelector('.new-divider')?.scrollIntoView({block: 'center'});
    jump.hidden = true;
  }

  async function jumpTo(messageId, seq) {
    if (!l.byId.has(messageId) && seq != null) await client.loadAround(chatId, seq).catch(showError);
    render();
    const target = list.querySelector(`article.msg[data-id="${CSS.escape(messageId)}"]`);
    if (target) {
      target.scrollIntoView({block: 'center'});
      target.classList.add('flash');
      target.focus({preventScroll: true});
      setTimeout(() => target.classList.remove('flash'), 2500);
    }
  }

  // Read marks: the latest message on screen, while the window is in front (client throttles to 1/s).
  function markVisible() {
    if (view !== v || document.visibilityState !== 'visible' || !document.hasFocus()) return;
    const el = lastVisibleMessage(scroller);
    if (!el) return;
    const m = l.byId.get(el.dataset.id);
    if (m) client.markRead(chatId, m);
  }

  v.jumpTo = async (messageId, seq) => { await jumpTo(messageId, seq); };
  v.markVisible = markVisible;
  v.render = render;
}

export function unmountChat() {
  if (!view) return;
  for (const off of view.offs) off();
  client.stopTyping(view.chatId);
  view = null;
}

/** {@return the open chat view, if any} */
export function currentView() { return view; }

export {userName};
