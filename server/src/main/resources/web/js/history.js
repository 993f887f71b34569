// History: a chat's messages over REST (the latest page, older pages, the pages around a search hit, the
// newer ones after such a jump, a thread) and the offline copy of it in IndexedDB, written through as it
// changes and prefetched for every chat at start.
import {api} from './api.js';
import * as cache from './cache.js';
import {state, emit, log} from './store.js';
import {refreshUser} from './users.js';

/** Fills the offline cache: the latest 50 messages of every chat, two chats at a time, after start. */
export async function prefetchChats() {
  const ids = [...state.chats.keys()].filter(id => !state.logs.get(id)?.loaded);
  const worker = async () => {
    while (ids.length) {
      const id = ids.shift();
      if (state.chats.has(id)) await loadLatest(id).catch(() => {});
    }
  };
  await Promise.all([worker(), worker()]);
}

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
