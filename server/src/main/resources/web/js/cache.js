// The offline cache (spec 002 §6.2, §6.5) in IndexedDB, one database per signed-in user:
//   meta      key → value (workspaces, the user directory)
//   chats     workspaceId → {workspaceId, chats}
//   messages  chatId → {chatId, messages (the latest 50 top-level ones, with their thread replies)}
//   outbox    frame id → a message composed but not yet acknowledged (sent again, same id, on reconnect)
const STORES = ['meta', 'chats', 'messages', 'outbox'];
export const CACHED_PER_CHAT = 50;

let dbPromise = null;
let dbName = null;

export function openCache(userId) {
  const name = 'parley-' + userId;
  if (dbPromise && dbName === name) return dbPromise;
  dbName = name;
  dbPromise = new Promise((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      db.createObjectStore('meta');
      db.createObjectStore('chats', {keyPath: 'workspaceId'});
      db.createObjectStore('messages', {keyPath: 'chatId'});
      db.createObjectStore('outbox', {keyPath: 'id'});
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  }).catch(e => { console.warn('IndexedDB unavailable; no offline cache', e); return null; });
  return dbPromise;
}

async function tx(store, mode, fn) {
  const db = await dbPromise;
  if (!db || !STORES.includes(store)) return undefined;
  return new Promise((resolve, reject) => {
    const t = db.transaction(store, mode);
    const req = fn(t.objectStore(store));
    t.oncomplete = () => resolve(req?.result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error);
  });
}

export const getMeta = key => tx('meta', 'readonly', s => s.get(key));
export const putMeta = (key, value) => tx('meta', 'readwrite', s => s.put(value, key));
export const getChats = wsId => tx('chats', 'readonly', s => s.get(wsId)).then(r => r?.chats || null);
export const putChats = (wsId, chats) => tx('chats', 'readwrite', s => s.put({workspaceId: wsId, chats}));
export const getMessages = chatId => tx('messages', 'readonly', s => s.get(chatId)).then(r => r?.messages || null);
export const allMessages = () => tx('messages', 'readonly', s => s.getAll()).then(r => r || []);
export const putOutbox = item => tx('outbox', 'readwrite', s => s.put(item));
export const deleteOutbox = id => tx('outbox', 'readwrite', s => s.delete(id));
export const allOutbox = () => tx('outbox', 'readonly', s => s.getAll()).then(r => r || []);
export const deleteMessages = chatId => tx('messages', 'readwrite', s => s.delete(chatId));

/** Keeps the latest 50 top-level messages of a chat (and replies to them), write-through. */
export function putMessages(chatId, messages) {
  const top = messages.filter(m => !m.threadRootId && !m._local).sort((a, b) => a.seq - b.seq).slice(-CACHED_PER_CHAT);
  const roots = new Set(top.map(m => m.id));
  const replies = messages.filter(m => m.threadRootId && roots.has(m.threadRootId) && !m._local);
  const strip = m => { const c = {...m}; delete c._state; delete c._v; return c; };
  return tx('messages', 'readwrite', s => s.put({chatId, messages: [...top, ...replies].map(strip)}));
}

/**
 * Offline search over the cache: every word must appear (case-insensitive), newest first.
 * {@return [{message, words}]}
 */
export async function searchCached(query, allowedChats) {
  const words = query.toLowerCase().split(/\s+/).filter(w => w && !w.includes(':') && !w.startsWith('-')).map(w => w.replace(/^"|"$/g, ''));
  if (!words.length) return {words, hits: []};
  const rows = await allMessages();
  const hits = [];
  for (const row of rows) {
    if (allowedChats && !allowedChats.has(row.chatId)) continue;
    for (const m of row.messages) {
      const text = (m.content || '').toLowerCase();
      if (!m.deleted && words.every(w => text.includes(w))) hits.push(m);
    }
  }
  hits.sort((a, b) => (b.createdAt || '').localeCompare(a.createdAt || ''));
  return {words, hits: hits.slice(0, 50)};
}
