// The WebSocket: connect with the token, reconnect with backoff (1, 2, 4, 8, 16, 30 s plus jitter),
// a ping every 25 s, request/answer correlation by frame id (ack, error, or the typed answer with
// refId), and token renewal when the server sends token.refresh.
import {session, accessTtlMs} from './session.js';
import {refreshTokens} from './api.js';

export const BACKOFF_SECONDS = [1, 2, 4, 8, 16, 30];
const REQUEST_TIMEOUT_MS = 15000;

/** {@return the delay before reconnect attempt n (0-based): the backoff step plus up to 20 % jitter} */
export function backoffDelayMs(attempt, random = Math.random) {
  const base = BACKOFF_SECONDS[Math.min(attempt, BACKOFF_SECONDS.length - 1)] * 1000;
  return Math.round(base + random() * base * 0.2);
}

/** A random (version 4) UUID; crypto.randomUUID needs a secure context, getRandomValues does not (plain http on a LAN). */
export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map(v => v.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** A failed request: the server's error payload, or code "offline"/"timeout". */
export class FrameError extends Error {
  constructor(code, message, retryAfter, temporary) {
    super(message || code);
    this.code = code;
    this.retryAfter = retryAfter;
    this.temporary = temporary;
  }
}

export class Socket extends EventTarget {
  constructor() {
    super();
    this.ws = null;
    this.state = 'idle'; // idle | connecting | online | waiting | stopped
    this.attempt = 0;
    this.pending = new Map(); // frame id → {resolve, reject, timer}
    this.timer = null;
    this.pingTimer = null;
    this.hello = null;
    window.addEventListener('online', () => this.reconnectNow());
  }

  get online() { return this.state === 'online'; }

  start() {
    if (this.state === 'connecting' || this.state === 'online') return;
    this.state = 'idle';
    this.connect();
  }

  stop() {
    this.state = 'stopped';
    clearTimeout(this.timer);
    this.ws?.close(1000);
    this.ws = null;
  }

  /** Skips the wait of the current backoff (the browser says the network is back). */
  reconnectNow() {
    if (this.state !== 'waiting') return;
    clearTimeout(this.timer);
    this.connect();
  }

  async connect() {
    if (this.state === 'stopped' || !session()) return;
    this.state = 'connecting';
    if (accessTtlMs() < 30000) {
      try { await refreshTokens(); } catch { /* offline: the connect below fails and backs off */ }
      if (!session()) { this.state = 'stopped'; this.emit('signed-out'); return; }
    }
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}/ws?v=1&token=${encodeURIComponent(session().accessToken)}`);
    this.ws = ws;
    ws.onmessage = e => this.onFrame(e.data);
    ws.onclose = e => this.onClose(ws, e.code);
    ws.onerror = () => { /* onclose follows */ };
  }

  onClose(ws, code) {
    if (ws !== this.ws) return;
    this.ws = null;
    clearInterval(this.pingTimer);
    const wasOnline = this.state === 'online';
    for (const [, p] of this.pending) { clearTimeout(p.timer); p.reject(new FrameError('offline', 'connection lost', null, true)); }
    this.pending.clear();
    if (this.state === 'stopped') return;
    if (wasOnline) this.emit('offline', {code});
    if (code >= 4500 && code <= 4999) {
      if (code === 4501) {
        // The session ended or the token expired: one refresh, else sign out.
        refreshTokens().then(ok => ok ? this.schedule() : this.signedOut(), () => this.schedule());
        return;
      }
      this.state = 'stopped';
      this.emit('fatal', {code});
      return;
    }
    this.schedule();
  }

  signedOut() {
    this.state = 'stopped';
    this.emit('signed-out');
  }

  schedule() {
    this.state = 'waiting';
    const delay = backoffDelayMs(this.attempt++);
    this.emit('reconnecting', {delay, attempt: this.attempt});
    this.timer = setTimeout(() => this.connect(), delay);
  }

  onFrame(data) {
    let f;
    try { f = JSON.parse(data); } catch { return; }
    const p = f.payload || {};
    if (f.type === 'hello') {
      this.state = 'online';
      this.attempt = 0;
      this.hello = p;
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.send('ping', {}), 25000);
      this.emit('online', p);
      return;
    }
    if (f.type === 'token.refresh') { this.renewToken(); return; }
    if (p.refId && this.pending.has(p.refId) && (f.type !== 'sync.response')) {
      const req = this.pending.get(p.refId);
      this.pending.delete(p.refId);
      clearTimeout(req.timer);
      if (f.type === 'error') req.reject(new FrameError(p.code, p.message, p.retryAfter, p.temporary));
      else req.resolve(p);
      if (f.type === 'ack' || f.type === 'error' || f.type === 'pong') return;
    }
    if (p.refId && f.type === 'error' && !this.pending.has(p.refId)) {
      this.emit('frame-error', p);
    }
    this.emit('frame', f);
  }

  async renewToken() {
    try {
      if (await refreshTokens()) await this.request('auth.refresh', {accessToken: session().accessToken});
    } catch { /* the socket closes with 4501 if this never works; onClose handles it */ }
  }

  /** Sends a frame without waiting for an answer; {@return false when not connected} */
  send(type, payload, id = uuid()) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN || (this.state !== 'online' && type !== 'ping')) return false;
    this.ws.send(JSON.stringify({type, id, payload}));
    return id;
  }

  /** Sends a frame and waits for its ack or answer (rejects with a FrameError). */
  request(type, payload, id = uuid()) {
    return new Promise((resolve, reject) => {
      if (!this.online) { reject(new FrameError('offline', 'not connected', null, true)); return; }
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new FrameError('timeout', 'no answer from the server', null, true));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, {resolve, reject, timer});
      if (!this.send(type, payload, id)) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new FrameError('offline', 'not connected', null, true));
      }
    });
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, {detail}));
  }
}

/** The client's one socket (started by client.js's startClient; frames.js listens to it). */
export const socket = new Socket();
