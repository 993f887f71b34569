// "X is typing…" with the wording of spec 002 §4.3.
import {state} from '../store.js';

/** {@return the typing line for a chat (others only), or ''} */
export function typingText(chatId) {
  const t = state.typing.get(chatId);
  if (!t) return '';
  const names = [...t.entries()].filter(([id]) => id !== state.me.id).map(([, v]) => v.name);
  return typingWording(names);
}

export function typingWording(names) {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'Several people are typing…';
}
