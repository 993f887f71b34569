// Attachments of a message. Files need the bearer token, so they are fetched and shown through
// blob: URLs (allowed by the CSP's img-src); the file name is only ever text or a download attribute.
import {h} from '../dom.js';
import {blobUrl} from '../api.js';
import {showError} from './toasts.js';

export function formatSize(n) {
  if (n == null) return '';
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KB';
  return (n / 1024 / 1024).toFixed(1) + ' MB';
}

export function attachmentList(files) {
  return h('ul', {class: 'attachments', attrs: {'aria-label': 'Attachments'}}, files.map(attachment));
}

function attachment(f) {
  const li = h('li', {class: 'attachment'});
  if (f.thumbnail) {
    const img = h('img', {class: 'thumb', attrs: {alt: f.name, width: f.thumbnail.width, height: f.thumbnail.height}});
    blobUrl(`/api/v1/files/${f.id}/thumbnail`).then(u => { img.src = u; }, () => img.replaceWith(h('span', {class: 'muted', text: '(preview unavailable)'})));
    li.append(h('button', {type: 'button', class: 'thumb-button', attrs: {'aria-label': 'Open ' + f.name}, on: {click: () => download(f)}}, img));
  }
  li.append(h('button', {type: 'button', class: 'file-link', on: {click: () => download(f)}, attrs: {'aria-label': `Download ${f.name}`}},
    h('span', {class: 'file-icon', attrs: {'aria-hidden': 'true'}, text: '📄'}),
    h('span', {class: 'file-name', text: f.name}),
    h('span', {class: 'muted', text: ' ' + formatSize(f.size)})));
  return li;
}

async function download(f) {
  try {
    const url = await blobUrl(`/api/v1/files/${f.id}/content`);
    const a = h('a', {href: url, attrs: {download: f.name || 'file', rel: 'noopener'}});
    document.body.append(a);
    a.click();
    a.remove();
  } catch (e) { showError(e); }
}
