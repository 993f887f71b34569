// People the client meets outside the workspace's member list: remote authors of an org-shared channel, users a
// frame names.
import {api} from './api.js';
import {state, emit} from './store.js';

/** Fetches one user into the store; an unknown one stays "Someone". */
export async function refreshUser(userId) {
  try {
    const r = await api(`/api/v1/users/${userId}`);
    state.users.set(userId, r.user);
    emit('users');
  } catch { /* unknown user: shown as "Someone" */ }
}
