// In-app toasts (spec 002 §3.4): at most 3 on screen, the rest queued; 5 s each (urgent ones stay
// until dismissed); a new toast for a chat that already has one on screen replaces it (grouping).
import {h, replace} from '../dom.js';

const MAX_VISIBLE = 3;
const SHOW_MS = 5000;
const visible = []; // {key, el, timer}
const queue = [];

function root() { return document.getElementById('toasts'); }

/**
 * Shows a toast. t: {key (chat id, for grouping), title, body, urgent, actions: [{label, run}], onOpen}
 */
export function showToast(t) {
  const same = visible.find(v => v.key && v.key === t.key);
  if (same) { fill(same, t); restart(same, t); return; }
  const queued = queue.findIndex(q => q.key && q.key === t.key);
  if (queued >= 0) { queue[queued] = t; return; }
  if (visible.length >= MAX_VISIBLE) { queue.push(t); return; }
  const entry = {key: t.key, el: h('div', {class: 'toast', attrs: {role: t.urgent ? 'alert' : 'status'}})};
  fill(entry, t);
  visible.push(entry);
  root().append(entry.el);
  restart(entry, t);
}

function fill(entry, t) {
  entry.el.classList.toggle('urgent', !!t.urgent);
  const open = h('button', {type: 'button', class: 'toast-main', on: {click: () => { dismiss(entry); t.onOpen?.(); }}},
    h('strong', {class: 'toast-title', text: t.title}),
    t.body ? h('span', {class: 'toast-body', text: t.body}) : null);
  const actions = h('div', {class: 'toast-actions'},
    (t.actions || []).map(a => h('button', {type: 'button', class: 'link', text: a.label, on: {click: () => { dismiss(entry); a.run(); }}})),
    h('button', {type: 'button', class: 'toast-close', text: '×', attrs: {'aria-label': 'Dismiss notification'}, on: {click: () => dismiss(entry)}}));
  replace(entry.el, open, actions);
}

function restart(entry, t) {
  clearTimeout(entry.timer);
  if (!t.urgent) entry.timer = setTimeout(() => dismiss(entry), SHOW_MS);
}

function dismiss(entry) {
  const i = visible.indexOf(entry);
  if (i < 0) return;
  clearTimeout(entry.timer);
  visible.splice(i, 1);
  entry.el.remove();
  if (queue.length) showToast(queue.shift());
}

/** A short error toast for a failed action. */
export function showError(e) {
  const msg = e?.code === 'offline' ? "You're offline. Try again when you are back online." : (e?.message || String(e));
  showToast({title: 'Something went wrong', body: msg});
}

export function info(title, body) {
  showToast({title, body});
}
