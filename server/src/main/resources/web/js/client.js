// The client's behaviour, apart from drawing: loading a workspace, applying server frames to the
// store, sending (optimistic, queued offline, retried with the same id), gap-fill after a reconnect,
// read marks (at most one a second), typing (at most one start every 3 s) and presence subscriptions.
import {api, ApiError} from './api.js';
import {Socket, uuid} from './socket.js';
import {session, updateUser} from './session.js';
import * as cache from './cache.js';
import {state, emit, log, isChannel, unreadOf} from './store.js';

export const socket = new Socket();
const TYPING_EVERY_MS = 3000;
const READ_MARK_EVERY_MS = 1000;
const PRESENCE_RENEW_MS = 9 * 60 * 1000;
let bootedOffline = false;

// ---------------------------------------------------------------- start and workspaces

export async function startClient() {
  state.me = session().user;
  await cache.openCache(state.me.id);
  await restoreOutbox();
  try {
    const [me, ws] = await Promise.all([api('/api/v1/users/me'), api('/api/v1/workspaces')]);
    state.me = me.user;
    updateUser(me.user);
    state.workspaces = ws.workspaces;
    cache.putMeta('workspaces', ws.workspaces);
  } catch (e) {
    if (!e.offline) throw e;
    bootedOffline = true;
    state.workspaces = (await cache.getMeta('workspaces')) || [];
  }
  emit('workspaces');
  wireSocket();
  socket.start();
  if (bootedOffline) setConnection('offline');
}

/** {@return the workspace to open: from the URL, the last one used, or the first} */
export function preferredWorkspace(fromUrl) {
  const ids = state.workspaces.map(w => w.id);
  if (fromUrl && ids.includes(fromUrl)) return fromUrl;
  const last = localStorage.getItem('parley.workspace');
  return ids.includes(last) ? last : ids[0] || null;
}

export async function selectWorkspace(wsId) {
  state.workspaceId = wsId;
  localStorage.setItem('parley.workspace', wsId);
  state.chats = new Map();
  state.unread = new Map();
  try {
    const [members, chats, unread] = await Promise.all([
      api(`/api/v1/workspaces/${wsId}/members`),
      api(`/api/v1/workspaces/${wsId}/channels`),
      api('/api/v1/unread', {query: {workspaceId: wsId}}),
    ]);
    for (const m of members.members) state.users.set(m.user.id, m.user);
    state.role = members.members.find(m => m.userId === state.me.id)?.role || 'member';
    await Promise.all(chats.chats.map(loadChatMembersIfDm));
    for (const c of chats.chats) state.chats.set(c.id, c);
    applyUnreadSummary(unread);
    state.offlineData = false;
    cache.putChats(wsId, [...state.chats.values()]);
    cache.putMeta('users:' + wsId, {users: members.members.map(m => m.user), role: state.role});
  } catch (e) {
    if (!e.offline) throw e;
    const chats = (await cache.getChats(wsId)) || [];
    const meta = (await cache.getMeta('users:' + wsId)) || {users: []};
    for (const u of meta.users) state.users.set(u.id, u);
    state.role = meta.role || 'member';
    for (const c of chats) state.chats.set(c.id, c);
    state.offlineData = true;
  }
  emit('chats');
  emit('unread');
  subscribePresence();
  prefetchChats();
}

async function loadChatMembersIfDm(chat) {
  if (isChannel(chat)) return;
  try {
    const r = await api(`/api/v1/chats/${chat.id}/members`);
    chat._members = r.users.map(u => u.id);
    for (const u of r.users) if (!state.users.has(u.id)) state.users.set(u.id, u);
  } catch { chat._members = chat._members || []; }
}

function applyUnreadSummary(r) {
  for (const c of r.chats) state.unread.set(c.chatId, {unreadCount: c.unreadCount, mentionCount: c.mentionCount, lastReadSeq: c.lastReadSeq});
  state.totals = {unread: r.totalUnread, mentions: r.totalMentions};
}

/** Fills the offline cache: the latest 50 messages of every chat, two chats at a time, after start. */
async function prefetchChats() {
  const ids = [...state.chats.keys()].filter(id => !state.logs.get(id)?.loaded);
  const worker = async () => {
    while (ids.length) {
      const id = ids.shift();
      if (state.chats.has(id)) await loadLatest(id).catch(() => {});
    }
  };
  await Promise.all([worker(), worker()]);
}

/** Refetches one chat (after chat.updated or a join) and shows it. */
export async function refreshChat(chatId) {
  try {
    const r = await api(`/api/v1/chats/${chatId}`);
    if (r.chat.workspaceId !== state.workspaceId) return r.chat;
    const old = state.chats.get(chatId);
    r.chat._members = old?._members;
    if (!r.chat._members) await loadChatMembersIfDm(r.chat);
    state.chats.set(chatId, r.chat);
    cache.putChats(state.workspaceId, [...state.chats.values()]);
    emit('chats');
    return r.chat;
  } catch (e) {
    if (e.status === 404 || e.status === 403) { state.chats.delete(chatId); emit('chats'); }
    return null;
  }
}

export async function refreshUser(userId) {
  try {
    const r = await api(`/api/v1/users/${userId}`);
    state.users.set(userId, r.user);
    emit('users');
  } catch { /* unknown user: shown as "Someone" */ }
}

// ---------------------------------------------------------------- history

/** Loads a chat's latest page over REST (or from the cache when offline). */
export async function loadLatest(chatId) {
  const l = log(chatId);
  try {
    const r = await api(`/api/v1/chats/${chatId}/messages`, {query: {limit: 50}});
    for (const m of r.messages) l.upsert(m, 0);
    l.hasMoreBefore = r.hasMore;
    l.loaded = true;
    l.fromCache = false;
    l.noteSeq(Math.max(l.newestSeq(), state.chats.get(chatId)?.lastSeq || 0));
    await loadThreadRepliesForCache(l, r.messages);
    cacheLog(chatId);
  } catch (e) {
    if (!e.offline) throw e;
    const cached = await cache.getMessages(chatId);
    if (cached) {
      for (const m of cached) if (!l.byId.has(m.id)) l.upsert(m, 0);
      l.fromCache = true;
      l.hasMoreBefore = false;
    }
  }
  emit('messages', {chatId});
}

// Thread replies of the cached roots are kept too, so a thread opens offline.
async function loadThreadRepliesForCache(l, messages) {
  const roots = messages.filter(m => m.replyCount > 0).slice(-5);
  await Promise.all(roots.map(async root => {
    try {
      const t = await api(`/api/v1/messages/${root.id}/thread`, {query: {limit: 50}});
      for (const m of t.replies) l.upsert(m, 0);
    } catch { /* the panel loads it when opened */ }
  }));
}

export async function loadOlder(chatId) {
  const l = log(chatId);
  const before = l.oldestSeq();
  if (!l.hasMoreBefore || before === null || l.loadingOlder) return false;
  l.loadingOlder = true;
  try {
    const r = await api(`/api/v1/chats/${chatId}/messages`, {query: {before, limit: 50}});
    for (const m of r.messages) l.upsert(m, 0);
    l.hasMoreBefore = r.hasMore;
    emit('messages', {chatId, older: true});
    return true;
  } catch { return false; } finally { l.loadingOlder = false; }
}

/** Loads the messages around seq (a search hit further back than what is loaded). */
export async function loadAround(chatId, seq) {
  const l = log(chatId);
  const held = [...l.byId.values()].some(m => m.seq === seq && !m.threadRootId);
  if (held) return;
  const [older, newer] = await Promise.all([
    api(`/api/v1/chats/${chatId}/messages`, {query: {before: seq + 1, limit: 25}}),
    api(`/api/v1/chats/${chatId}/messages`, {query: {after: seq, limit: 25}}),
  ]);
  const newestHeld = l.newestSeq();
  for (const m of [...older.messages, ...newer.messages]) l.upsert(m, 0);
  const windowMax = Math.max(seq, ...newer.messages.map(m => m.seq));
  l.gapAfter = newer.hasMore && !(newestHeld && newestHeld <= windowMax + 1) ? windowMax : null;
  l.hasMoreBefore = older.hasMore;
  if (!l.loaded) { l.loaded = true; l.noteSeq(state.chats.get(chatId)?.lastSeq || 0); }
  emit('messages', {chatId});
}

export async function loadNewer(chatId) {
  const l = log(chatId);
  if (l.gapAfter == null) return;
  const r = await api(`/api/v1/chats/${chatId}/messages`, {query: {after: l.gapAfter, limit: 50}});
  const already = r.messages.some(m => l.byId.has(m.id));
  for (const m of r.messages) l.upsert(m, 0);
  l.gapAfter = r.hasMore && !already ? Math.max(...r.messages.map(m => m.seq)) : null;
  emit('messages', {chatId});
}

export async function loadThread(rootId) {
  const r = await api(`/api/v1/messages/${rootId}/thread`, {query: {limit: 200}});
  const l = log(r.root.chatId);
  l.upsert(r.root, 0);
  for (const m of r.replies) l.upsert(m, 0);
  emit('thread', {rootId});
  return r.root;
}

// ---------------------------------------------------------------- sending

/** Sends a message optimistically: shown at once, queued while offline, retried with the same id. */
export function sendMessage(chatId, content, {replyTo = null, files = []} = {}) {
  const id = uuid();
  const item = {id, chatId, content, replyTo, files, createdAt: new Date().toISOString()};
  log(chatId).addLocal(localMessage(item, socket.online ? 'sending' : 'pending'));
  typingSentAt.delete(chatId);
  emitChange(chatId, replyTo);
  cache.putOutbox(item);
  deliver(item);
  return id;
}

function localMessage(item, st) {
  return {id: item.id, clientMsgId: item.id, chatId: item.chatId, senderId: state.me.id, content: item.content,
    threadRootId: item.replyTo, attachments: item.files, reactions: [], replyCount: 0, replyUsers: [],
    mentions: {handles: []}, createdAt: item.createdAt, _state: st};
}

async function restoreOutbox() {
  for (const item of await cache.allOutbox()) {
    log(item.chatId).addLocal(localMessage(item, item.failed ? 'failed' : 'pending'));
  }
}

const inFlight = new Set();

async function deliver(item) {
  if (inFlight.has(item.id)) return;
  const l = log(item.chatId);
  if (!socket.online) { l.setLocalState(item.id, 'pending'); emitChange(item.chatId, item.replyTo); return; }
  inFlight.add(item.id);
  l.setLocalState(item.id, 'sending');
  emitChange(item.chatId, item.replyTo);
  const payload = {chatId: item.chatId, content: item.content};
  if (item.replyTo) payload.replyTo = item.replyTo;
  if (item.files?.length) payload.attachments = item.files.map(f => f.id);
  try {
    const ack = await socket.request('message.send', payload, item.id);
    l.acked(item.id, ack.messageId, ack.seq);
    await cache.deleteOutbox(item.id);
    cacheLog(item.chatId);
  } catch (e) {
    if (e.code === 'offline') {
      l.setLocalState(item.id, 'pending');
    } else if (e.code === 'timeout' || e.temporary) {
      l.setLocalState(item.id, 'pending');
      setTimeout(() => deliver(item), Math.max(1, e.retryAfter || 2) * 1000);
    } else {
      l.setLocalState(item.id, 'failed', e.message);
      cache.putOutbox({...item, failed: true});
    }
  } finally {
    inFlight.delete(item.id);
    emitChange(item.chatId, item.replyTo);
  }
}

/** Sends a failed or pending message again, with the same id (so the server applies it once). */
export async function retry(chatId, clientId) {
  const item = (await cache.allOutbox()).find(i => i.id === clientId);
  if (!item) return;
  delete item.failed;
  await cache.putOutbox(item);
  deliver(item);
}

export async function discard(chatId, clientId) {
  await cache.deleteOutbox(clientId);
  log(chatId).byId.delete(clientId);
  emit('messages', {chatId});
}

async function flushOutbox() {
  const items = (await cache.allOutbox()).filter(i => !i.failed).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (const item of items) await deliver(item);
}

function emitChange(chatId, rootId) {
  emit('messages', {chatId});
  if (rootId) emit('thread', {rootId});
}

export async function editMessage(m, content) {
  const l = log(m.chatId);
  const before = l.byId.get(m.id);
  l.patch(m.id, x => ({...x, content, editedAt: new Date().toISOString()}));
  emitChange(m.chatId, m.threadRootId);
  try {
    await socket.request('message.edit', {messageId: m.id, content});
  } catch (e) {
    if (before) l.byId.set(m.id, before);
    emitChange(m.chatId, m.threadRootId);
    throw e;
  }
}

export async function deleteMessage(m) {
  const l = log(m.chatId);
  const before = l.byId.get(m.id);
  l.patch(m.id, x => ({...x, deleted: true, content: null}));
  emitChange(m.chatId, m.threadRootId);
  try {
    await socket.request('message.delete', {messageId: m.id});
  } catch (e) {
    if (before) l.byId.set(m.id, before);
    emitChange(m.chatId, m.threadRootId);
    throw e;
  }
}

export async function toggleReaction(m, emoji) {
  const mine = (m.reactions || []).find(r => r.emoji === emoji)?.users?.includes(state.me.id);
  const action = mine ? 'remove' : 'add';
  const l = log(m.chatId);
  l.patch(m.id, x => ({...x, reactions: applyReaction(x.reactions || [], emoji, state.me.id, action)}));
  emitChange(m.chatId, m.threadRootId);
  try {
    await socket.request('message.react', {messageId: m.id, emoji, action});
  } catch (e) {
    l.patch(m.id, x => ({...x, reactions: applyReaction(x.reactions || [], emoji, state.me.id, mine ? 'add' : 'remove')}));
    emitChange(m.chatId, m.threadRootId);
    throw e;
  }
}

function applyReaction(reactions, emoji, userId, action) {
  const out = reactions.map(r => ({...r, users: [...(r.users || [])]}));
  let r = out.find(x => x.emoji === emoji);
  if (action === 'add') {
    if (!r) { r = {emoji, count: 0, users: []}; out.push(r); }
    if (!r.users.includes(userId)) { r.users.push(userId); r.count = r.users.length; }
  } else if (r) {
    r.users = r.users.filter(u => u !== userId);
    r.count = r.users.length;
  }
  return out.filter(x => x.count > 0);
}

// ---------------------------------------------------------------- read marks, typing, focus

const markQueue = new Map(); // chatId → message
const markedSeq = new Map(); // chatId → highest seq a read.mark went out for (badges older than it are stale)
let lastMarkAt = 0;
let markTimer = null;

/** Marks a chat read up to a message; at most one read.mark a second leaves the client. */
export function markRead(chatId, message) {
  if (!message || message._local) return;
  const u = unreadOf(chatId);
  if (message.seq <= u.lastReadSeq) return;
  const queued = markQueue.get(chatId);
  if (queued && queued.seq >= message.seq) return;
  markQueue.set(chatId, message);
  // Optimistic: the badge clears at once when the latest message is seen.
  const newest = log(chatId).newestSeq();
  if (message.seq >= newest && (u.unreadCount || u.mentionCount)) {
    setUnread(chatId, {...u, unreadCount: 0, mentionCount: 0, lastReadSeq: message.seq});
  }
  scheduleMarks();
}

function scheduleMarks() {
  if (markTimer) return;
  const wait = Math.max(0, lastMarkAt + READ_MARK_EVERY_MS - Date.now());
  markTimer = setTimeout(flushMarks, wait);
}

function flushMarks() {
  markTimer = null;
  if (!socket.online || !markQueue.size) return;
  const [chatId, m] = markQueue.entries().next().value;
  markQueue.delete(chatId);
  lastMarkAt = Date.now();
  markedSeq.set(chatId, Math.max(markedSeq.get(chatId) || 0, m.seq));
  socket.request('read.mark', {chatId, messageId: m.id}).then(ack => {
    const u = unreadOf(chatId);
    if (ack.lastReadSeq > u.lastReadSeq) setUnread(chatId, {...u, lastReadSeq: ack.lastReadSeq});
  }, () => { if (!markQueue.has(chatId)) markQueue.set(chatId, m); });
  if (markQueue.size) scheduleMarks();
}

function setUnread(chatId, u) {
  const old = unreadOf(chatId);
  state.unread.set(chatId, u);
  state.totals = {
    unread: Math.max(0, state.totals.unread - old.unreadCount + u.unreadCount),
    mentions: Math.max(0, state.totals.mentions - old.mentionCount + u.mentionCount),
  };
  emit('unread');
}

const typingSentAt = new Map();

/** Call on each keystroke in a composer: typing.start goes out at most every 3 s. */
export function noteTyping(chatId) {
  const now = Date.now();
  if (now - (typingSentAt.get(chatId) || 0) < TYPING_EVERY_MS) return;
  if (socket.send('typing.start', {chatId})) typingSentAt.set(chatId, now);
}

export function stopTyping(chatId) {
  if (typingSentAt.has(chatId)) {
    socket.send('typing.stop', {chatId});
    typingSentAt.delete(chatId);
  }
}

let focusedChat = null;

/** Tells the server which chat this connection shows (no toasts for it), or none. */
export function setFocus(chatId) {
  const want = chatId && document.visibilityState === 'visible' && document.hasFocus() ? chatId : null;
  if (want === focusedChat) return;
  focusedChat = want;
  socket.send('chat.focus', want ? {chatId: want} : {});
}

// ---------------------------------------------------------------- presence

const subscribed = new Set();
let renewTimer = null;

/** Subscribes to the people on screen: me, DM partners, and the authors in the open chat. */
export function subscribePresence(extra = []) {
  const want = new Set([state.me.id, ...extra]);
  for (const c of state.chats.values()) if (!isChannel(c)) for (const id of c._members || []) want.add(id);
  const fresh = [...want].filter(id => !subscribed.has(id));
  fresh.forEach(id => subscribed.add(id));
  sendSubscribe(fresh);
  if (!renewTimer) renewTimer = setInterval(() => sendSubscribe([...subscribed]), PRESENCE_RENEW_MS);
}

function sendSubscribe(ids) {
  for (let i = 0; i < ids.length; i += 500) socket.send('presence.subscribe', {userIds: ids.slice(i, i + 500)});
}

export async function setMyStatus(status) {
  state.presence.set(state.me.id, status);
  emit('presence');
  await socket.request('presence.update', {status});
}

// ---------------------------------------------------------------- frames

function setConnection(c) {
  state.connection = c;
  emit('connection');
}

function wireSocket() {
  socket.addEventListener('online', async () => {
    setConnection('online');
    if (bootedOffline || state.offlineData) {
      bootedOffline = false;
      await refreshAfterOffline();
    } else {
      api('/api/v1/unread', {query: {workspaceId: state.workspaceId}}).then(r => { applyUnreadSummary(r); emit('unread'); }, () => {});
    }
    sendSubscribe([...subscribed]);
    const cur = state.currentChatId;
    focusedChat = undefined;
    setFocus(cur);
    requestSync();
    flushOutbox();
    scheduleMarks();
  });
  socket.addEventListener('offline', () => { setConnection('offline'); state.typing.clear(); emit('typing'); });
  socket.addEventListener('reconnecting', () => { if (state.connection !== 'online') setConnection('offline'); });
  socket.addEventListener('signed-out', () => emit('signed-out'));
  socket.addEventListener('fatal', e => emit('fatal', e.detail));
  socket.addEventListener('frame', e => onFrame(e.detail));
  setInterval(pruneTyping, 1000);
}

async function refreshAfterOffline() {
  try {
    const ws = await api('/api/v1/workspaces');
    state.workspaces = ws.workspaces;
    emit('workspaces');
    if (state.workspaceId) await selectWorkspace(state.workspaceId);
    const cur = state.currentChatId;
    if (cur && !log(cur).loaded) await loadLatest(cur);
  } catch { /* the next reconnect tries again */ }
}

/** Gap-fill: one sync.request with the last seq of every chat whose messages are loaded. */
function requestSync() {
  const chats = [];
  for (const l of state.logs.values()) if (l.loaded && state.chats.has(l.chatId)) chats.push({chatId: l.chatId, lastSeq: l.syncedSeq});
  if (chats.length) socket.send('sync.request', {chats, limit: 200});
}

function onFrame(f) {
  const p = f.payload || {};
  switch (f.type) {
    case 'message.new':
    case 'message.updated': {
      const l = log(p.chatId);
      l.upsert(p.message, p.seq);
      if (f.type === 'message.new') clearTyping(p.chatId, p.message.senderId);
      if (!state.chats.has(p.chatId) && p.message) refreshChat(p.chatId);
      if (p.message && !p.message.bot && !state.users.has(p.message.senderId)) refreshUser(p.message.senderId);
      emit('messages', {chatId: p.chatId, arrived: f.type === 'message.new' ? p.message : null});
      if (p.message.threadRootId) emit('thread', {rootId: p.message.threadRootId});
      if (p.message.replyCount) emit('thread', {rootId: p.message.id});
      cacheLog(p.chatId);
      break;
    }
    case 'message.deleted': {
      const l = log(p.chatId);
      const m = l.byId.get(p.messageId);
      if (m) l.upsert({...m, deleted: true, content: null, attachments: []}, p.seq);
      else l.noteSeq(p.seq);
      emitChange(p.chatId, m?.threadRootId);
      cacheLog(p.chatId);
      break;
    }
    case 'message.reaction': {
      const l = log(p.chatId);
      const m = l.byId.get(p.messageId);
      if (m) l.upsert({...m, reactions: p.reactions}, p.seq);
      else l.noteSeq(p.seq);
      emitChange(p.chatId, m?.threadRootId);
      cacheLog(p.chatId);
      break;
    }
    case 'sync.response': applySync(p); break;
    case 'notification.badge':
      // A badge computed before our latest read mark was applied: the one after it is on its way.
      if (Math.max(markedSeq.get(p.chatId) || 0, markQueue.get(p.chatId)?.seq || 0) > p.lastReadSeq) break;
      if (p.workspaceId === state.workspaceId) state.unread.set(p.chatId, {unreadCount: p.unreadCount, mentionCount: p.mentionCount, lastReadSeq: p.lastReadSeq});
      state.totals = {unread: p.totalUnread, mentions: p.totalMentions};
      emit('unread');
      break;
    case 'notification.toast': emit('toast', p); break;
    case 'typing.indicator': {
      if (!state.typing.has(p.chatId)) state.typing.set(p.chatId, new Map());
      const t = state.typing.get(p.chatId);
      if (p.active) t.set(p.userId, {name: p.displayName || 'Someone', until: Date.now() + 6000});
      else t.delete(p.userId);
      emit('typing', {chatId: p.chatId});
      break;
    }
    case 'presence.state':
      for (const u of p.users) state.presence.set(u.userId, u.status);
      emit('presence');
      break;
    case 'presence.changed':
      state.presence.set(p.userId, p.status);
      emit('presence');
      break;
    case 'read.receipt': {
      const chat = state.chats.get(p.chatId);
      if (chat) { chat._receipts = {...chat._receipts, [p.userId]: p.seq}; emit('messages', {chatId: p.chatId}); }
      break;
    }
    case 'chat.membership': onMembership(p); break;
    case 'chat.updated': if (p.workspaceId === state.workspaceId) refreshChat(p.chatId); break;
    default: break;
  }
}

function applySync(p) {
  const l = log(p.chatId);
  if (p.tooLarge) {
    state.logs.delete(p.chatId);
    cache.deleteMessages(p.chatId);
    loadLatest(p.chatId);
    return;
  }
  for (const ev of p.events) {
    if (ev.message) l.upsert(ev.message, ev.seq);
    else l.noteSeq(ev.seq);
  }
  l.noteSeq(p.cursor || 0);
  if (p.hasMore) socket.send('sync.request', {chats: [{chatId: p.chatId, lastSeq: p.cursor}], limit: 200});
  emit('messages', {chatId: p.chatId});
  if (state.threadRootId) emit('thread', {rootId: state.threadRootId});
  cacheLog(p.chatId);
}

async function onMembership(p) {
  if (p.workspaceId !== state.workspaceId) return;
  if (p.userId === state.me.id) {
    if (p.joined) await refreshChat(p.chatId);
    else { state.chats.delete(p.chatId); emit('chats'); }
    return;
  }
  if (!state.users.has(p.userId)) await refreshUser(p.userId);
  const chat = state.chats.get(p.chatId);
  if (chat && chat._members) {
    chat._members = p.joined ? [...new Set([...chat._members, p.userId])] : chat._members.filter(id => id !== p.userId);
    emit('chats');
  }
}

function clearTyping(chatId, userId) {
  const t = state.typing.get(chatId);
  if (t?.delete(userId)) emit('typing', {chatId});
}

function pruneTyping() {
  const now = Date.now();
  for (const [chatId, t] of state.typing) {
    let changed = false;
    for (const [u, v] of t) if (v.until < now) { t.delete(u); changed = true; }
    if (changed) emit('typing', {chatId});
  }
}

// ---------------------------------------------------------------- cache

const cacheTimers = new Map();

/** Writes a chat's latest messages to IndexedDB, at most every half second per chat. */
function cacheLog(chatId) {
  if (cacheTimers.has(chatId)) return;
  cacheTimers.set(chatId, setTimeout(() => {
    cacheTimers.delete(chatId);
    const l = state.logs.get(chatId);
    if (l && (l.loaded || l.fromCache)) cache.putMessages(chatId, l.all()).catch(() => {});
  }, 500));
}

export {ApiError};
