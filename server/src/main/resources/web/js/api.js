// REST client: JSON in and out, the bearer token, and one transparent token refresh on 401.
import {session, setSession, clearSession} from './session.js';

/** A failed call: HTTP status (0 when the server could not be reached) and the API's error code. */
export class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
  get offline() { return this.status === 0; }
}

let refreshing = null;

/**
 * Exchanges the refresh token for new tokens, once at a time — across tabs too (Web Locks), since
 * each refresh token works once: a tab that finds the token already rotated by another simply takes
 * the new one. {@return true when it worked}
 */
export function refreshTokens() {
  if (!refreshing) {
    const seen = session()?.accessToken;
    const run = () => refreshOnce(seen);
    refreshing = (navigator.locks ? navigator.locks.request('parley-token-refresh', run) : run())
      .finally(() => setTimeout(() => { refreshing = null; }, 0));
  }
  return refreshing;
}

async function refreshOnce(seen) {
  const s = session();
  if (!s?.refreshToken) return false;
  if (s.accessToken !== seen) return true; // another tab refreshed while this one waited for the lock
  const used = s.refreshToken;
  try {
    setSession(await call('/api/v1/auth/refresh', {method: 'POST', body: {refreshToken: used}, auth: false}));
    return true;
  } catch (e) {
    if (session()?.refreshToken && session().refreshToken !== used) return true; // rotated by another tab meanwhile
    if (e.status === 401) clearSession();
    if (e.offline) throw e;
    return false;
  }
}

/**
 * Calls the API. opts: method, body (an object, sent as JSON), query (object), headers, auth (default true).
 * {@return the parsed JSON body, or null for 204}
 */
export async function api(path, opts = {}) {
  try {
    return await call(path, opts);
  } catch (e) {
    if (e.status === 401 && opts.auth !== false && session()?.refreshToken) {
      if (await refreshTokens()) return call(path, opts);
    }
    throw e;
  }
}

async function call(path, {method = 'GET', body, query, headers = {}, auth = true} = {}) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(query || {})) if (v !== undefined && v !== null) url.searchParams.set(k, v);
  const h = {...headers};
  if (body !== undefined) h['Content-Type'] = 'application/json';
  if (auth && session()) h['Authorization'] = 'Bearer ' + session().accessToken;
  let res;
  try {
    res = await fetch(url, {method, headers: h, body: body === undefined ? undefined : JSON.stringify(body)});
  } catch (e) {
    throw new ApiError(0, 'offline', 'The server cannot be reached.');
  }
  if (res.status === 204) return null;
  let data = null;
  try { data = await res.json(); } catch { /* not JSON */ }
  if (!res.ok) {
    const err = data?.error || {};
    throw new ApiError(res.status, err.code || 'http_' + res.status, err.message || res.statusText, err.retryAfter);
  }
  return data;
}

/**
 * Uploads a file (raw bytes, name in the query) with progress, as issue 4's contract has it.
 * {@return {promise, abort}}; promise resolves to the file view.
 */
export function uploadFile(workspaceId, file, onProgress) {
  const xhr = new XMLHttpRequest();
  const promise = new Promise((resolve, reject) => {
    const send = (retried) => {
      xhr.open('POST', `/api/v1/workspaces/${workspaceId}/files?name=${encodeURIComponent(file.name)}`);
      xhr.setRequestHeader('Authorization', 'Bearer ' + session()?.accessToken);
      xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
      xhr.upload.onprogress = e => { if (e.lengthComputable) onProgress?.(e.loaded / e.total); };
      xhr.onerror = () => reject(new ApiError(0, 'offline', 'The upload did not reach the server.'));
      xhr.onabort = () => reject(new ApiError(0, 'aborted', 'Upload cancelled.'));
      xhr.onload = async () => {
        let data = null;
        try { data = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
        if (xhr.status === 401 && !retried && await refreshTokens().catch(() => false)) return send(true);
        if (xhr.status >= 200 && xhr.status < 300 && data?.file) resolve(data.file);
        else reject(new ApiError(xhr.status, data?.error?.code || 'http_' + xhr.status, data?.error?.message || 'Upload failed.'));
      };
      xhr.send(file);
    };
    send(false);
  });
  return {promise, abort: () => xhr.abort()};
}

const blobUrls = new Map();

/** Fetches a protected URL (file content, thumbnail) with the token; {@return a blob: URL} (cached). */
export async function blobUrl(path) {
  if (blobUrls.has(path)) return blobUrls.get(path);
  const p = (async () => {
    const get = () => fetch(path, {headers: {Authorization: 'Bearer ' + session()?.accessToken}});
    let res = await get();
    if (res.status === 401 && await refreshTokens()) res = await get();
    if (!res.ok) throw new ApiError(res.status, 'http_' + res.status, 'Could not load the file.');
    return URL.createObjectURL(await res.blob());
  })();
  blobUrls.set(path, p);
  p.catch(() => blobUrls.delete(path));
  return p;
}
