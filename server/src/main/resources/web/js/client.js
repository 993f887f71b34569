// The client's behaviour, apart from drawing, in four parts: this module (start, workspaces,
// history), outbox.js (sending: optimistic, queued offline, retried with the same id),
// awareness.js (read marks at most one a second, typing at most every 3 s, focus, presence) and
// frames.js (server frames into the store, reconnect and gap-fill). Views import this module only.
import {api, ApiError} from './api.js';
import {Socket} from './socket.js';
import {session, updateUser} from './session.js';
import * as cache from './cache.js';
import {state, emit, log, isChannel} from './store.js';
import {restoreOutbox} from './outbox.js';
import {subscribePresence} from './awareness.js';
import {wireSocket, setConnection} from './frames.js';

export const socket = new Socket();
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
    // Senders outside the workspace (remote authors of an org-shared channel) are looked up once each.
    for (const id of new Set(r.messages.filter(m => !m.bot && !state.users.has(m.senderId)).map(m => m.senderId))) refreshUser(id);
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

/** {@return whether the app started without the server (so it must reload the workspace once online)}; clears it */
export function takeBootedOffline() {
  const was = bootedOffline || state.offlineData;
  bootedOffline = false;
  return was;
}

export function applyUnread(r) { applyUnreadSummary(r); }


const cacheTimers = new Map();

/** Writes a chat's latest messages to IndexedDB, at most every half second per chat. */
export function cacheLog(chatId) {
  if (cacheTimers.has(chatId)) return;
  cacheTimers.set(chatId, setTimeout(() => {
    cacheTimers.delete(chatId);
    const l = state.logs.get(chatId);
    if (l && (l.loaded || l.fromCache)) cache.putMessages(chatId, l.all()).catch(() => {});
  }, 500));
}

export {sendMessage, retry, discard, editMessage, deleteMessage, toggleReaction} from './outbox.js';
export {markRead, noteTyping, stopTyping, setFocus, subscribePresence, setMyStatus} from './awareness.js';
export {ApiError};
