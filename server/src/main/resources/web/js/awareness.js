// Awareness: read marks (the latest message on screen, at most one read.mark a second, badges
// cleared optimistically), typing (typing.start at most every 3 s), the focused chat, and presence
// subscriptions for the people on screen (renewed before the server's 10-minute lapse).
import {state, emit, log, isChannel, unreadOf} from './store.js';
import {socket} from './socket.js';

const TYPING_EVERY_MS = 3000;
const READ_MARK_EVERY_MS = 1000;
const PRESENCE_RENEW_MS = 9 * 60 * 1000;


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

export function scheduleMarks() {
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

/** {@return whether a badge was computed before a read mark this client sent or queued (a newer one follows)} */
export function isStaleBadge(chatId, lastReadSeq) {
  return Math.max(markedSeq.get(chatId) || 0, markQueue.get(chatId)?.seq || 0) > lastReadSeq;
}

/** A message went out: the next keystroke may announce typing again at once. */
export function typingSent(chatId) {
  typingSentAt.delete(chatId);
}

/** After a reconnect: subscribe again to everyone watched, and restate the focused chat. */
export function restateAwareness() {
  sendSubscribe([...subscribed]);
  focusedChat = undefined;
  setFocus(state.currentChatId);
  scheduleMarks();
}
