// Dates and times as people read them.
const timeFmt = new Intl.DateTimeFormat(undefined, {hour: '2-digit', minute: '2-digit'});
const dayFmt = new Intl.DateTimeFormat(undefined, {weekday: 'long', month: 'long', day: 'numeric'});
const fullFmt = new Intl.DateTimeFormat(undefined, {dateStyle: 'medium', timeStyle: 'short'});

export const clock = iso => iso ? timeFmt.format(new Date(iso)) : '';
export const full = iso => iso ? fullFmt.format(new Date(iso)) : '';

/** {@return the local day key (YYYY-MM-DD) of an instant} */
export function dayKey(iso) {
  const d = iso ? new Date(iso) : new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function dayLabel(iso) {
  const key = dayKey(iso);
  if (key === dayKey()) return 'Today';
  if (key === dayKey(new Date(Date.now() - 864e5).toISOString())) return 'Yesterday';
  return dayFmt.format(new Date(iso));
}
