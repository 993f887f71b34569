// DOM building without HTML strings. Every piece of text goes in as a text node (textContent), so
// user content can never become markup. Attributes are set one by one; event-handler attributes
// (on…) and javascript: URLs are refused outright.

/**
 * h('button', {class: 'x', on: {click}, attrs: {'aria-label': 'Close'}}, 'text', childNode, [more])
 * props: class, text, attrs, on, dataset, and a few properties (value, checked, disabled, type,
 * placeholder, hidden, title, tabIndex, id, href, htmlFor).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false && k !== 'checked' && k !== 'disabled' && k !== 'hidden') continue;
    switch (k) {
      case 'class': el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v; break;
      case 'text': el.textContent = String(v); break;
      case 'on': for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn); break;
      case 'attrs': for (const [a, av] of Object.entries(v)) setAttr(el, a, av); break;
      case 'dataset': for (const [a, av] of Object.entries(v)) el.dataset[a] = String(av); break;
      case 'href': el.setAttribute('href', safeHref(v)); break;
      case 'value': case 'checked': case 'disabled': case 'type': case 'placeholder': case 'hidden':
      case 'title': case 'tabIndex': case 'id': case 'htmlFor': case 'name': case 'autocomplete':
      case 'multiple': case 'min': case 'max': case 'rows': case 'required': case 'maxLength':
        el[k] = v; break;
      default: throw new Error('h(): unknown prop ' + k);
    }
  }
  append(el, children);
  return el;
}

function setAttr(el, name, value) {
  if (value === undefined || value === null || value === false) return;
  if (/^on/i.test(name) || name === 'style' || name === 'srcdoc') throw new Error('refused attribute ' + name);
  if ((name === 'href' || name === 'src') && typeof value === 'string') value = safeHref(value);
  el.setAttribute(name, value === true ? '' : String(value));
}

/** Appends strings (as text), nodes and arrays of them. */
export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces an element's children. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** {@return the URL if it is http(s), mailto, blob:, a same-origin path or a fragment, else '#'} */
export function safeHref(url) {
  const s = String(url);
  if (s.startsWith('#') || (s.startsWith('/') && !s.startsWith('//'))) return s;
  try {
    const u = new URL(s, location.origin);
    if (['http:', 'https:', 'mailto:', 'blob:'].includes(u.protocol)) return u.href;
  } catch { /* not a URL */ }
  return '#';
}

/** A visually hidden label for screen readers. */
export function srOnly(text) {
  return h('span', {class: 'sr-only', text});
}

/** Focusable elements inside a root, for dialog focus traps. */
export function focusables(root) {
  return [...root.querySelectorAll('button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])')]
    .filter(e => !e.disabled && !e.hidden && e.offsetParent !== null);
}
