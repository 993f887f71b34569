// The signed-in session (tokens and user), kept in localStorage so a reload stays signed in.
const KEY = 'parley.session';
let current = load();
const listeners = new Set();

function load() {
  try { return JSON.parse(localStorage.getItem(KEY)) || null; } catch { return null; }
}

/** {@return the session {accessToken, accessExpiresAt, refreshToken, refreshExpiresAt, user}, or null} */
export function session() { return current; }

/** Stores a session body as the server returns it (setup, register, login, refresh). */
export function setSession(body) {
  current = {
    accessToken: body.accessToken, accessExpiresAt: body.accessExpiresAt,
    refreshToken: body.refreshToken, refreshExpiresAt: body.refreshExpiresAt,
    user: body.user || current?.user,
  };
  localStorage.setItem(KEY, JSON.stringify(current));
  listeners.forEach(fn => fn(current));
}

export function updateUser(user) {
  if (!current) return;
  current = {...current, user};
  localStorage.setItem(KEY, JSON.stringify(current));
}

export function clearSession() {
  current = null;
  localStorage.removeItem(KEY);
  listeners.forEach(fn => fn(null));
}

export function onSessionChange(fn) { listeners.add(fn); }

/** {@return milliseconds until the access token expires (negative when it has)} */
export function accessTtlMs() {
  return current ? Date.parse(current.accessExpiresAt) - Date.now() : -1;
}

// Another tab refreshed the tokens (the old refresh token is dead now): take the new ones.
window.addEventListener('storage', e => {
  if (e.key !== KEY) return;
  current = load();
  listeners.forEach(fn => fn(current));
});
