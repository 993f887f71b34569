// The client's behaviour, apart from drawing, and the one module views import. It starts the client and
// re-exports the parts: workspace.js (the open workspace), history.js (pages of messages and their offline
// copy), outbox.js (sending: optimistic, queued offline, retried with the same id), awareness.js (read marks at
// most one a second, typing at most every 3 s, focus, presence), users.js, and socket.js's one socket; frames.js
// turns server frames into the store. None of them imports this module, so the graph has no cycle
// (WebClientModuleGraphTest).
import {api, ApiError} from './api.js';
import {socket} from './socket.js';
import {session, updateUser} from './session.js';
import * as cache from './cache.js';
import {state, emit} from './store.js';
import {restoreOutbox} from './outbox.js';
import {markBootedOffline} from './workspace.js';
import {wireSocket, setConnection} from './frames.js';

export async function startClient() {
  state.me = session().user;
  let offline = false;
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
    offline = true;
    markBootedOffline();
    state.workspaces = (await cache.getMeta('workspaces')) || [];
  }
  emit('workspaces');
  wireSocket();
  socket.start();
  if (offline) setConnection('offline');
}

export {socket, ApiError};
export {preferredWorkspace, selectWorkspace, refreshChat, takeBootedOffline, applyUnread} from './workspace.js';
export {loadLatest, loadOlder, loadAround, loadNewer, loadThread, cacheLog} from './history.js';
export {refreshUser} from './users.js';
export {sendMessage, retry, discard, editMessage, deleteMessage, toggleReaction} from './outbox.js';
export {markRead, noteTyping, stopTyping, setFocus, subscribePresence, setMyStatus} from './awareness.js';
