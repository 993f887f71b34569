// The open workspace: choosing it, loading its members, chats and unread summary (from the cache when the server
// cannot be reached), and refetching one chat. Whether the app started offline is kept here, for the reload
// after the first hello.
import {api} from './api.js';
import * as cache from './cache.js';
import {state, emit, isChannel} from './store.js';
import {subscribePresence} from './awareness.js';
import {prefetchChats} from './history.js';

let bootedOffline = false;

/** Notes that the app started without the server (its workspaces came from the cache). */
export function markBootedOffline() {
  bootedOffline = true;
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
    applyUnread(unread);
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

/** Applies an unread summary ({@code GET /api/v1/unread}) to the store. */
export function applyUnread(r) {
  for (const c of r.chats) state.unread.set(c.chatId, {unreadCount: c.unreadCount, mentionCount: c.mentionCount, lastReadSeq: c.lastReadSeq});
  state.totals = {unread: r.totalUnread, mentions: r.totalMentions};
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

/** {@return whether the app started without the server (so it must reload the workspace once online)}; clears it */
export function takeBootedOffline() {
  const was = bootedOffline || state.offlineData;
  bootedOffline = false;
  return was;
}
