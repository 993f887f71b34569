// Notifications: in-app toasts from notification.toast frames, desktop notifications through the
// Notification API when the window is not in front, and Web Push through the service worker for
// when the page is closed (spec 002 §3.4–3.5).
import {api} from './api.js';
import {state, on, chatTitle} from './store.js';
import * as client from './client.js';
import {showToast, showError} from './render/toasts.js';

let registration = null;
const policy = window.trustedTypes?.createPolicy('parley', {
  createScriptURL: url => { if (url === '/sw.js') return url; throw new TypeError('script URL not allowed: ' + url); },
});

/** Registers the service worker (it shows pushes while the page is closed and caches the shell). */
export async function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return null;
  try {
    registration = await navigator.serviceWorker.register(policy ? policy.createScriptURL('/sw.js') : '/sw.js', {scope: '/'});
    navigator.serviceWorker.addEventListener('message', e => {
      if (e.data?.type === 'open') open(e.data.chatId, e.data.messageId);
    });
  } catch (e) {
    console.warn('service worker not registered', e);
  }
  return registration;
}

export function desktopStatus() {
  if (!('Notification' in window)) return 'This browser has no desktop notifications.';
  if (Notification.permission === 'granted') return 'Desktop notifications are allowed in this browser.';
  if (Notification.permission === 'denied') return 'Desktop notifications are blocked for this site in the browser settings.';
  return 'Desktop notifications are not enabled in this browser yet.';
}

/** Asks for permission (from a click) and subscribes this browser to Web Push. */
export async function enableDesktopNotifications() {
  if (!('Notification' in window)) throw new Error('This browser has no desktop notifications.');
  const p = await Notification.requestPermission();
  if (p !== 'granted') throw new Error('Notifications were not allowed.');
  const reg = registration || await navigator.serviceWorker?.ready;
  if (!reg?.pushManager) return;
  const {publicKey} = await api('/api/v1/push/vapid-public-key');
  let sub = await reg.pushManager.getSubscription();
  if (!sub) sub = await reg.pushManager.subscribe({userVisibleOnly: true, applicationServerKey: base64urlBytes(publicKey)});
  await api('/api/v1/push/subscriptions', {method: 'POST', body: sub.toJSON()});
}

export function base64urlBytes(s) {
  const b = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4));
  return Uint8Array.from(b, c => c.charCodeAt(0));
}

function open(chatId, messageId) {
  document.dispatchEvent(new CustomEvent('parley:open-chat', {detail: {chatId, messageId}}));
}

let audio = null;
function beep() {
  try {
    audio ||= new AudioContext();
    const o = audio.createOscillator(), g = audio.createGain();
    o.frequency.value = 880;
    g.gain.setValueAtTime(0.05, audio.currentTime);
    g.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.25);
    o.connect(g).connect(audio.destination);
    o.start();
    o.stop(audio.currentTime + 0.25);
  } catch { /* no audio */ }
}

/** Mutes a chat, keeping its level and sound. */
async function mute(chatId) {
  const path = `/api/v1/chats/${chatId}/notification-preferences`;
  const {preferences: p} = await api(path);
  await api(path, {method: 'PUT', body: {level: p.level, sound: p.sound, muted: true}});
  showToast({title: 'Muted', body: 'Only direct @mentions and urgent messages from this chat will notify you.'});
}

/** Wires notification.toast frames to toasts and desktop notifications. */
export function startNotifications() {
  on('toast', t => {
    const inFront = document.visibilityState === 'visible' && document.hasFocus();
    if (inFront && t.chatId === state.currentChatId && t.priority !== 'urgent') return; // the server skips focused chats too
    const chat = state.chats.get(t.chatId);
    const title = t.count > 1 && chat ? `${t.count} new messages in ${chatTitle(chat)}` : t.title;
    const body = t.count > 1 ? '' : t.body;
    showToast({key: t.chatId, title, body, urgent: t.priority === 'urgent', onOpen: () => open(t.chatId, t.messageId),
      actions: [
        {label: 'Reply', run: () => open(t.chatId, t.messageId)},
        {label: 'Mark as read', run: () => client.socket.request('read.mark', {chatId: t.chatId, messageId: t.messageId}).catch(showError)},
        {label: 'Mute', run: () => mute(t.chatId).catch(showError)},
      ]});
    if (t.sound) beep();
    if (!inFront && 'Notification' in window && Notification.permission === 'granted') {
      const opts = {body: t.count > 1 ? title : t.body, tag: t.chatId, data: {chatId: t.chatId, messageId: t.messageId, url: location.pathname}};
      if (registration?.showNotification) registration.showNotification(t.count > 1 ? 'Parley' : t.title, opts);
      else { const n = new Notification(t.title, opts); n.onclick = () => { window.focus(); open(t.chatId, t.messageId); }; }
    }
  });
}
