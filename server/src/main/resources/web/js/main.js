// Boot and navigation. Routes: /, /join/<invite code>, /workspaces/<id>/chats/<id>[?message=<id>].
import {h, replace} from './dom.js';
import {api} from './api.js';
import {session, clearSession} from './session.js';
import {state, on, emit, log} from './store.js';
import * as client from './client.js';
import {showSetup, showLogin, showRegister, showNoWorkspace} from './render/auth.js';
import {mountSidebar, neighbourChat} from './render/sidebar.js';
import {mountChat, unmountChat, currentView} from './render/chat.js';
import {mountThread, unmountThread} from './render/thread.js';
import {openSearchDialog} from './render/search.js';
import {showError} from './render/toasts.js';
import {registerServiceWorker, startNotifications} from './notify.js';

const root = document.getElementById('app');
let shell = null;

function route() {
  const p = location.pathname.split('/').filter(Boolean);
  const q = new URLSearchParams(location.search);
  if (p[0] === 'join' && p[1]) return {invite: p[1]};
  if (p[0] === 'workspaces' && p[1]) return {workspaceId: p[1], chatId: p[2] === 'chats' ? p[3] : null, messageId: q.get('message')};
  return {};
}

async function boot() {
  root.className = '';
  const r = route();
  if (r.invite) sessionStorage.setItem('parley.invite', r.invite);
  if (!session()) {
    let open = false;
    try { open = (await api('/api/v1/setup', {auth: false})).open; } catch { /* offline or old server: sign-in */ }
    const invite = sessionStorage.getItem('parley.invite');
    const done = wsId => start(wsId);
    if (open) showSetup(root, done);
    else if (invite) showRegister(root, done, invite);
    else showLogin(root, done);
    return;
  }
  await start(r.workspaceId);
}

async function start(wsId) {
  try {
    await client.startClient();
    const invite = sessionStorage.getItem('parley.invite');
    if (invite) {
      sessionStorage.removeItem('parley.invite');
      try {
        const w = (await api('/api/v1/workspaces/join', {method: 'POST', body: {code: invite}})).workspace;
        wsId = w.id;
        state.workspaces = (await api('/api/v1/workspaces')).workspaces;
      } catch (e) { showError(e); }
    }
    if (!state.workspaces.length) {
      showNoWorkspace(root, async id => { state.workspaces = (await api('/api/v1/workspaces')).workspaces; mountShell(); openWorkspace(id); });
      return;
    }
    mountShell();
    const r = route();
    const fromUrl = r.workspaceId && (!wsId || wsId === r.workspaceId); // e.g. a notification's link, also after sign-in
    await openWorkspace(client.preferredWorkspace(wsId || r.workspaceId), fromUrl ? r : {});
  } catch (e) {
    if (e.status === 401) { clearSession(); boot(); return; }
    replace(root, h('main', {class: 'auth'}, h('div', {class: 'auth-card'}, h('h1', {text: 'Parley could not start'}), h('p', {text: e.message}),
      h('button', {type: 'button', class: 'primary', text: 'Try again', on: {click: () => location.reload()}}))));
  }
}

function mountShell() {
  const sidebar = h('aside', {class: 'sidebar', id: 'sidebar'});
  const chat = h('section', {class: 'chat-pane', id: 'chat', attrs: {'aria-label': 'Conversation'}});
  const thread = h('aside', {class: 'thread-pane', id: 'thread', hidden: true});
  const banner = h('div', {class: 'offline-banner', hidden: true, attrs: {role: 'status'}},
    "You're offline. Messages will be sent when you reconnect.");
  const scrim = h('div', {class: 'scrim', on: {click: () => toggleSidebar(false)}});
  const layout = h('div', {class: 'shell'}, sidebar, chat, thread, scrim);
  replace(root, banner, layout);
  shell = {sidebar, chat, thread, banner, layout};
  mountSidebar(sidebar, {
    onOpen: id => { toggleSidebar(false); openChat(id); },
    onSearch: () => openSearchDialog(),
    onSignOut: signOut,
  });
  on('connection', () => { banner.hidden = state.connection === 'online'; layout.classList.toggle('offline', state.connection !== 'online'); });
  banner.hidden = state.connection === 'online';
  startNotifications();
  registerServiceWorker();
}

function toggleSidebar(show) {
  shell?.layout.classList.toggle('show-sidebar', show);
}

async function openWorkspace(wsId, r = {}) {
  if (!wsId) return;
  unmountThread();
  await client.selectWorkspace(wsId);
  const chats = [...state.chats.values()];
  const last = localStorage.getItem('parley.chat.' + wsId);
  const target = (r.chatId && state.chats.get(r.chatId)) || state.chats.get(last) || chats.find(c => c.name === 'general') || chats[0];
  if (target) openChat(target.id, {messageId: r.messageId, replace: true});
  else replace(shell.chat, h('p', {class: 'empty', text: 'No chats yet. Create a channel to start.'}));
}

/** Opens a chat; opts: {messageId, seq, threadRootId, replace} */
export async function openChat(chatId, opts = {}) {
  if (!state.chats.has(chatId)) {
    const c = await client.refreshChat(chatId);
    if (!c) { showError(new Error('That chat is not available to you.')); return; }
    if (c.workspaceId !== state.workspaceId) { await openWorkspace(c.workspaceId, {chatId, messageId: opts.messageId}); return; }
  }
  const sameChat = state.currentChatId === chatId && currentView()?.chatId === chatId;
  state.currentChatId = chatId;
  localStorage.setItem('parley.chat.' + state.workspaceId, chatId);
  const url = `/workspaces/${state.workspaceId}/chats/${chatId}` + (opts.messageId ? '?message=' + opts.messageId : '');
  if (location.pathname + location.search !== url) history[opts.replace ? 'replaceState' : 'pushState']({}, '', url);
  emit('view');
  let messageId = opts.messageId;
  let seq = opts.seq;
  let threadRoot = opts.threadRootId;
  if (messageId && !threadRoot) {
    const held = log(chatId).byId.get(messageId);
    threadRoot = held?.threadRootId || null;
    if (!held && seq == null) {
      try { const m = (await api(`/api/v1/messages/${messageId}`)).message; seq = m.seq; threadRoot = m.threadRootId; } catch { messageId = null; }
    }
  }
  if (threadRoot) {
    // A thread reply: show its root in the channel and the reply in the panel.
    try {
      const rootMsg = (await api(`/api/v1/messages/${threadRoot}`)).message;
      if (sameChat) await currentView().jumpTo(rootMsg.id, rootMsg.seq);
      else mountChat(shell.chat, chatId, {messageId: rootMsg.id, seq: rootMsg.seq, onOpenThread, onMenu: () => toggleSidebar(true)});
      openThread(rootMsg, messageId);
      return;
    } catch { /* fall through to the chat */ }
  }
  if (sameChat && messageId) { await currentView().jumpTo(messageId, seq); return; }
  if (!sameChat) unmountThread();
  mountChat(shell.chat, chatId, {messageId, seq, onOpenThread, onMenu: () => toggleSidebar(true)});
}

function onOpenThread(m) { openThread(m); }

function openThread(root, replyId) {
  shell.layout.classList.add('thread-open');
  mountThread(shell.thread, root, {replyId, onClose: closeThread});
}

function closeThread() {
  unmountThread();
  shell.layout.classList.remove('thread-open');
  currentView()?.composer?.focus();
}

async function signOut() {
  try { await api('/api/v1/auth/logout', {method: 'POST'}); } catch { /* signed out locally anyway */ }
  client.socket.stop();
  clearSession();
  location.href = '/';
}

document.addEventListener('parley:open-chat', e => openChat(e.detail.chatId, e.detail));
document.addEventListener('parley:open-workspace', e => openWorkspace(e.detail.workspaceId));
window.addEventListener('popstate', () => {
  const r = route();
  if (r.chatId && r.chatId !== state.currentChatId) openChat(r.chatId, {messageId: r.messageId, replace: true});
});
on('signed-out', () => { clearSession(); location.href = '/'; });
on('fatal', d => showError(new Error(d?.code === 4502 ? 'This page is out of date: reload it.' : 'The connection was closed by the server.')));

document.addEventListener('keydown', e => {
  const mod = e.ctrlKey || e.metaKey;
  if (mod && (e.key === 'k' || e.key === 'K' || e.key === 'e' || e.key === 'E') && shell) {
    e.preventDefault();
    openSearchDialog();
    return;
  }
  if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown') && shell) {
    e.preventDefault();
    const id = neighbourChat(e.key === 'ArrowUp' ? -1 : 1);
    if (id) openChat(id);
    return;
  }
  if (e.key === 'Escape' && shell && !document.querySelector('dialog[open]')) {
    if (shell.layout.classList.contains('show-sidebar')) toggleSidebar(false);
    else if (!shell.thread.hidden) closeThread();
  }
});

window.parley = {state, client}; // for debugging from the console and for the browser tests
boot();
