// The reaction picker: a small popover of emoji buttons, keyboard operable, one at a time.
import {h} from '../dom.js';

export const EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '😢', '👀', '✅', '🙏', '🔥', '🚀', '👏'];
let open = null;

export function openReactionPicker(anchor, onPick) {
  closePicker();
  const grid = h('div', {class: 'picker', attrs: {role: 'dialog', 'aria-label': 'Pick a reaction'}});
  const close = () => closePicker(anchor);
  EMOJI.forEach(e => grid.append(h('button', {type: 'button', class: 'picker-emoji', text: e, attrs: {'aria-label': 'React with ' + e},
    on: {click: () => { close(); onPick(e); }}})));
  grid.addEventListener('keydown', ev => {
    const btns = [...grid.querySelectorAll('button')];
    const i = btns.indexOf(document.activeElement);
    if (ev.key === 'Escape') { ev.preventDefault(); ev.stopPropagation(); close(); }
    if (ev.key === 'ArrowRight' || ev.key === 'ArrowDown') { ev.preventDefault(); btns[(i + 1) % btns.length].focus(); }
    if (ev.key === 'ArrowLeft' || ev.key === 'ArrowUp') { ev.preventDefault(); btns[(i - 1 + btns.length) % btns.length].focus(); }
  });
  document.body.append(grid);
  const r = anchor.getBoundingClientRect();
  const w = grid.offsetWidth, hgt = grid.offsetHeight;
  grid.style.left = Math.max(8, Math.min(window.innerWidth - w - 8, r.left)) + 'px';
  grid.style.top = (r.top - hgt - 6 > 8 ? r.top - hgt - 6 : r.bottom + 6) + 'px';
  open = {grid, outside: ev => { if (!grid.contains(ev.target) && ev.target !== anchor) close(); }};
  setTimeout(() => document.addEventListener('mousedown', open?.outside), 0);
  grid.querySelector('button').focus();
}

export function closePicker(returnFocus) {
  if (!open) return;
  document.removeEventListener('mousedown', open.outside);
  open.grid.remove();
  open = null;
  returnFocus?.focus?.();
}
