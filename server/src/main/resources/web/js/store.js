// In-memory state of the client and a tiny publish/subscribe, so views re-render what changed.
// Message logs are ordered by seq and de-duplicated by id; optimistic messages live under their
// client id until the ack (or the echoed message.new, whichever comes first) replaces them.

const topics = new Map();

/** Subscribes to a topic: 'chats', 'messages', 'unread', 'typing', 'presence', 'connection', 'users', 'thread', 'workspaces', 'view'. */
export function on(topic, fn) {
  if (!topics.has(topic)) topics.set(topic, new Set());
  topics.get(topic).add(fn);
  return () => topics.get(topic).delete(fn);
}

export function emit(topic, detail) {
  for (const fn of topics.get(topic) || []) {
    try { fn(detail); } catch (e) { console.error('listener of', topic, 'failed', e); }
  }
}

export const state = {
  me: null,               // the signed-in user
  workspaces: [],
  workspaceId: null,
  role: null,             // my role in the current workspace
  chats: new Map(),       // chatId → chat view (+ _members: [userId] for DMs)
  users: new Map(),       // userId → user view
  logs: new Map(),        // chatId → ChatLog
  unread: new Map(),      // chatId → {unreadCount, mentionCount, lastReadSeq}
  totals: {unread: 0, mentions: 0},
  typing: new Map(),      // chatId → Map(userId → {name, until})
  presence: new Map(),    // userId → status
  connection: 'connecting', // connecting | online | offline
  currentChatId: null,
  threadRootId: null,
  offlineData: false,     // the chat list came from the cache, not the server
};

/** The messages of one chat that this client holds. */
export class ChatLog {
  constructor(chatId) {
    this.chatId = chatId;
    this.byId = new Map();
    this.loaded = false;
    this.hasMoreBefore = true;
    this.hasMoreAfter = false;
    this.syncedSeq = 0;     // highest log seq applied: where gap-fill continues from
  }

  /**
   * Adds or replaces a message. v is the seq of the event that produced this state (0 when it came
   * from a REST read): an older event never overwrites a newer one. {@return true when something changed}
   */
  upsert(m, v = 0) {
    if (m.clientMsgId && m.clientMsgId !== m.id) {
      const local = this.byId.get(m.clientMsgId);
      if (local && local._local) this.byId.delete(m.clientMsgId);
    }
    const old = this.byId.get(m.id);
    if (old && !old._local && (old._v || 0) > v) return false;
    this.byId.set(m.id, {...m, _v: Math.max(v, old?._v || 0)});
    if (v > this.syncedSeq) this.syncedSeq = v;
    return true;
  }

  /** Adds an optimistic message (status sending | pending | failed) under its client id. */
  addLocal(m) {
    this.byId.set(m.id, {...m, _local: true});
  }

  setLocalState(id, st, error) {
    const m = this.byId.get(id);
    if (m && m._local) this.byId.set(id, {...m, _state: st, _error: error});
  }

  /** The acknowledged send: the local message takes the server id and seq. */
  acked(clientId, messageId, seq) {
    const local = this.byId.get(clientId);
    if (!local || !local._local) return;
    this.byId.delete(clientId);
    if (!this.byId.has(messageId)) {
      this.byId.set(messageId, {...local, id: messageId, seq, _local: false, _state: 'sent', _v: 0});
    }
    if (seq > this.syncedSeq && this.loaded) this.noteSeq(seq);
  }

  noteSeq(seq) { if (seq > this.syncedSeq) this.syncedSeq = seq; }

  patch(id, fn) {
    const m = this.byId.get(id);
    if (m) this.byId.set(id, fn(m));
  }

  /** {@return top-level messages in seq order; local ones (no seq yet) last, by creation} */
  top() {
    return [...this.byId.values()].filter(m => !m.threadRootId).sort(bySeq);
  }

  replies(rootId) {
    return [...this.byId.values()].filter(m => m.threadRootId === rootId).sort(bySeq);
  }

  oldestSeq() {
    let min = Infinity;
    for (const m of this.byId.values()) if (!m._local && !m.threadRootId && m.seq < min) min = m.seq;
    return min === Infinity ? null : min;
  }

  newestSeq() {
    let max = 0;
    for (const m of this.byId.values()) if (!m._local && !m.threadRootId && m.seq > max) max = m.seq;
    return max;
  }

  all() { return [...this.byId.values()]; }
}

function bySeq(a, b) {
  const as = a._local ? Infinity : a.seq, bs = b._local ? Infinity : b.seq;
  if (as !== bs) return as - bs;
  return (a.createdAt || '').localeCompare(b.createdAt || '');
}

export function log(chatId) {
  if (!state.logs.has(chatId)) state.logs.set(chatId, new ChatLog(chatId));
  return state.logs.get(chatId);
}

/** {@return a person's name to show} */
export function userName(userId) {
  const u = state.users.get(userId);
  return u ? (u.displayName || u.handle) : 'Someone';
}

/** {@return the name a chat is shown under: #name for channels, the other people for DMs} */
export function chatTitle(chat) {
  if (!chat) return '';
  if (chat.kind === 'public_channel' || chat.kind === 'private_channel') return '#' + chat.name;
  const others = (chat._members || []).filter(id => id !== state.me?.id);
  if (!others.length) return chat._members ? userName(state.me?.id) + ' (you)' : 'Direct message';
  return others.map(userName).join(', ');
}

export function isChannel(chat) {
  return chat && (chat.kind === 'public_channel' || chat.kind === 'private_channel');
}

/** {@return the DM partner of a 1:1 DM, or null} */
export function dmPartner(chat) {
  if (!chat || chat.kind !== 'dm') return null;
  return (chat._members || []).find(id => id !== state.me?.id) || null;
}

export function unreadOf(chatId) {
  return state.unread.get(chatId) || {unreadCount: 0, mentionCount: 0, lastReadSeq: 0};
}
