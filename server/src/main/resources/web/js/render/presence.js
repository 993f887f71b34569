// Presence dots and the presence menu (available, away, do not disturb, be right back).
import {h, replace} from '../dom.js';
import {state} from '../store.js';
import * as client from '../client.js';
import {showError} from './toasts.js';

export const STATUS_LABEL = {
  available: 'Available', away: 'Away', dnd: 'Do not disturb', brb: 'Be right back',
  in_a_meeting: 'In a meeting', offline: 'Offline',
};

export function presenceDot(userId) {
  const st = state.presence.get(userId) || 'offline';
  return h('span', {class: ['presence-dot', 'st-' + st], attrs: {role: 'img', 'aria-label': STATUS_LABEL[st] || st}, title: STATUS_LABEL[st] || st});
}

/** The button with my status; opens a menu to change it. */
export function presenceMenu() {
  const wrap = h('div', {class: 'presence-menu'});
  const button = h('button', {type: 'button', class: 'me-button', attrs: {'aria-haspopup': 'menu', 'aria-expanded': 'false'}});
  const menu = h('ul', {class: 'menu', hidden: true, attrs: {role: 'menu', 'aria-label': 'Set your status'}});
  const close = () => { menu.hidden = true; button.setAttribute('aria-expanded', 'false'); };
  for (const st of ['available', 'away', 'dnd', 'brb']) {
    menu.append(h('li', {attrs: {role: 'none'}}, h('button', {type: 'button', attrs: {role: 'menuitem'}, on: {click: () => {
      close(); button.focus();
      client.setMyStatus(st).catch(showError);
    }}}, h('span', {class: ['presence-dot', 'st-' + st], attrs: {'aria-hidden': 'true'}}), STATUS_LABEL[st])));
  }
  button.addEventListener('click', () => {
    menu.hidden = !menu.hidden;
    button.setAttribute('aria-expanded', String(!menu.hidden));
    if (!menu.hidden) menu.querySelector('button').focus();
  });
  menu.addEventListener('keydown', e => {
    const items = [...menu.querySelectorAll('button')];
    const i = items.indexOf(document.activeElement);
    if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); close(); button.focus(); }
    if (e.key === 'ArrowDown') { e.preventDefault(); items[(i + 1) % items.length].focus(); }
    if (e.key === 'ArrowUp') { e.preventDefault(); items[(i - 1 + items.length) % items.length].focus(); }
  });
  const refresh = () => {
    const st = state.presence.get(state.me.id) || (state.connection === 'online' ? 'available' : 'offline');
    replace(button, presenceDot(state.me.id), h('span', {class: 'me-name', text: state.me.displayName || state.me.handle}),
      h('span', {class: 'sr-only', text: ', status ' + (STATUS_LABEL[st] || st) + '. Change status'}));
  };
  refresh();
  wrap.append(button, menu);
  return {el: wrap, refresh};
}
