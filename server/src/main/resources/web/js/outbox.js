// Sending (spec 002 §6.4–6.5): a message shows at once under a client UUID, waits in the IndexedDB
// outbox, and goes out as message.send with that UUID as the frame id, so every retry — after an
// error, a reconnect or a reload — is applied once by the server. Edits, deletes and reactions
// are optimistic too and roll back when refused.
import {socket, uuid} from './socket.js';
import * as cache from './cache.js';
import {state, emit, log} from './store.js';
import {cacheLog} from './history.js';
import {typingSent} from './awareness.js';


/** Sends a message optimistically: shown at once, queued while offline, retried with the same id. */
export function sendMessage(chatId, content, {replyTo = null, files = []} = {}) {
  const id = uuid();
  const item = {id, chatId, content, replyTo, files, createdAt: new Date().toISOString()};
  log(chatId).addLocal(localMessage(item, socket.online ? 'sending' : 'pending'));
  typingSent(chatId);
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

export async function restoreOutbox() {
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

export async function flushOutbox() {
  const items = (await cache.allOutbox()).filter(i => !i.failed).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (const item of items) await deliver(item);
}

export function emitChange(chatId, rootId) {
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
