// Server frames into the store, and what follows a (re)connect: gap-fill with one sync.request for
// every loaded chat, the outbox flushed, awareness restated. Every event keeps its seq, so an old
// one never overwrites a newer state and duplicates change nothing.
import {api} from './api.js';
import * as cache from './cache.js';
import {state, emit, log} from './store.js';
import {socket} from './socket.js';
import {selectWorkspace, refreshChat, takeBootedOffline, applyUnread} from './workspace.js';
import {loadLatest, cacheLog} from './history.js';
import {refreshUser} from './users.js';
import {flushOutbox, emitChange} from './outbox.js';
import {isStaleBadge, restateAwareness} from './awareness.js';


export function setConnection(c) {
  state.connection = c;
  emit('connection');
}

export function wireSocket() {
  socket.addEventListener('online', async () => {
    setConnection('online');
    if (takeBootedOffline()) {
      await refreshAfterOffline();
    } else {
      api('/api/v1/unread', {query: {workspaceId: state.workspaceId}}).then(r => { applyUnread(r); emit('unread'); }, () => {});
    }
    restateAwareness();
    requestSync();
    flushOutbox();
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
      if (isStaleBadge(p.chatId, p.lastReadSeq)) break;
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