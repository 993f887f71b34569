// Dialogs on the native <dialog> element (focus trap, Escape, aria-modal for free): create a
// channel, browse and join channels, start a DM, invite people, switch/create/join workspaces,
// notification preferences (global with a DND schedule, and per chat), the topic, the member list.
import {h, replace} from '../dom.js';
import {api} from '../api.js';
import {state, chatTitle, isChannel, userName} from '../store.js';
import * as client from '../client.js';
import {presenceDot} from './presence.js';
import {enableDesktopNotifications, desktopStatus} from '../notify.js';
import {showError, info} from './toasts.js';

function openChat(chatId) { document.dispatchEvent(new CustomEvent('parley:open-chat', {detail: {chatId}})); }

/** Opens a modal dialog; {@return {dialog, close}} */
export function openDialog(title, body, {wide = false} = {}) {
  const titleId = 'dlg-' + Math.random().toString(36).slice(2);
  const close = () => { dialog.close(); };
  const dialog = h('dialog', {class: ['dialog', wide && 'wide'], attrs: {'aria-labelledby': titleId}},
    h('header', {class: 'dialog-head'}, h('h2', {id: titleId, text: title}),
      h('button', {type: 'button', class: 'icon-button', text: '×', attrs: {'aria-label': 'Close'}, on: {click: close}})),
    body);
  dialog.addEventListener('close', () => dialog.remove());
  // A search box takes the first Escape to clear itself; the dialog closes on Escape all the same.
  dialog.addEventListener('keydown', e => { if (e.key === 'Escape' && !e.defaultPrevented) { e.preventDefault(); close(); } });
  document.body.append(dialog);
  dialog.showModal();
  return {dialog, close};
}

function field(label, input, hint) {
  const id = 'f-' + Math.random().toString(36).slice(2);
  input.id = id;
  return h('div', {class: 'field'}, h('label', {htmlFor: id, text: label}), input, hint ? h('p', {class: 'hint', text: hint}) : null);
}

/** Disables a form's controls while its current values load; {@return the function that enables them} */
function lockForm(form) {
  const controls = [...form.elements].filter(c => !c.disabled);
  controls.forEach(c => { c.disabled = true; });
  return () => controls.forEach(c => { c.disabled = false; });
}

function errorLine() { return h('p', {class: 'error-text', attrs: {role: 'alert'}}); }

export function openCreateChannel() {
  const name = h('input', {type: 'text', required: true, placeholder: 'e.g. plans', autocomplete: 'off', maxLength: 80});
  const priv = h('input', {type: 'checkbox'});
  const topic = h('input', {type: 'text', placeholder: 'What is it about? (optional)'});
  const err = errorLine();
  const form = h('form', {class: 'form'},
    field('Name', name, 'Lower-case letters, digits, - and _.'),
    h('label', {class: 'check'}, priv, ' Private — only people you add can see it'),
    field('Topic', topic), err,
    h('div', {class: 'form-actions'}, h('button', {type: 'submit', class: 'primary', text: 'Create channel'})));
  const {close} = openDialog('Create a channel', form);
  form.addEventListener('submit', async e => {
    e.preventDefault();
    try {
      const r = await api(`/api/v1/workspaces/${state.workspaceId}/channels`, {method: 'POST',
        body: {name: name.value.trim().toLowerCase().replace(/^#/, ''), private: priv.checked, topic: topic.value || null}});
      close();
      await client.refreshChat(r.chat.id);
      openChat(r.chat.id);
    } catch (ex) { err.textContent = ex.message; }
  });
}

export async function openBrowse() {
  const list = h('ul', {class: 'pick-list', attrs: {'aria-label': 'Public channels'}}, h('li', {text: 'Loading…'}));
  const filter = h('input', {type: 'search', placeholder: 'Filter channels', attrs: {'aria-label': 'Filter channels'}});
  const {close} = openDialog('Browse channels', h('div', {}, filter, list));
  let chats = [];
  try {
    chats = (await api(`/api/v1/workspaces/${state.workspaceId}/channels`, {query: {all: true}})).chats
      .filter(c => c.kind === 'public_channel' && !c.archived);
  } catch (e) { replace(list, h('li', {class: 'error-text', text: e.message})); return; }
  const render = () => {
    const q = filter.value.toLowerCase();
    replace(list, chats.filter(c => c.name.includes(q)).map(c => {
      const joined = state.chats.has(c.id);
      return h('li', {class: 'pick-row'},
        h('div', {}, h('strong', {text: '#' + c.name}), c.topic ? h('div', {class: 'muted', text: c.topic}) : null),
        h('button', {type: 'button', class: joined ? '' : 'primary', text: joined ? 'Open' : 'Join',
          attrs: {'aria-label': (joined ? 'Open #' : 'Join #') + c.name},
          on: {click: async () => {
            try {
              if (!joined) await api(`/api/v1/chats/${c.id}/join`, {method: 'POST'});
              close();
              await client.refreshChat(c.id);
              openChat(c.id);
            } catch (e) { showError(e); }
          }}}));
    }));
    if (!list.children.length) list.append(h('li', {class: 'muted', text: 'No channels match.'}));
  };
  filter.addEventListener('input', render);
  render();
  filter.focus();
}

export function openNewDm() {
  const filter = h('input', {type: 'search', placeholder: 'Find people', attrs: {'aria-label': 'Find people'}});
  const list = h('ul', {class: 'pick-list', attrs: {'aria-label': 'People'}});
  const chosen = new Set();
  const err = errorLine();
  const start = h('button', {type: 'button', class: 'primary', text: 'Start conversation', disabled: true});
  const render = () => {
    const q = filter.value.toLowerCase();
    const people = [...state.users.values()].filter(u => u.id !== state.me.id && !u.deactivated
      && ((u.displayName || '').toLowerCase().includes(q) || u.handle.includes(q)));
    replace(list, people.map(u => {
      const box = h('input', {type: 'checkbox', checked: chosen.has(u.id), attrs: {'aria-label': u.displayName || u.handle}});
      box.addEventListener('change', () => { box.checked ? chosen.add(u.id) : chosen.delete(u.id); start.disabled = !chosen.size || chosen.size > 8; });
      return h('li', {class: 'pick-row'}, h('label', {class: 'check'}, box, presenceDot(u.id), ' ', u.displayName || u.handle, h('span', {class: 'muted', text: ' @' + u.handle})));
    }));
    if (!people.length) list.append(h('li', {class: 'muted', text: 'Nobody matches. Invite people to the workspace first.'}));
  };
  const {close} = openDialog('New direct message', h('div', {}, filter, list, err, h('p', {class: 'hint', text: 'Pick one person for a DM, or up to 8 for a group conversation.'}), h('div', {class: 'form-actions'}, start)));
  start.addEventListener('click', async () => {
    try {
      const r = await api(`/api/v1/workspaces/${state.workspaceId}/dms`, {method: 'POST', body: {userIds: [...chosen]}});
      close();
      await client.refreshChat(r.chat.id);
      openChat(r.chat.id);
    } catch (e) { err.textContent = e.message; }
  });
  filter.addEventListener('input', render);
  render();
  client.subscribePresence([...state.users.keys()].slice(0, 200));
  filter.focus();
}

export function openInvite() {
  const role = h('select', {}, ['member', 'guest', 'admin'].map(r => h('option', {value: r, text: r})));
  const uses = h('input', {type: 'number', value: '0', min: 0, max: 10000});
  const out = h('div', {class: 'invite-out'});
  const err = errorLine();
  const form = h('form', {class: 'form'}, field('Role', role), field('How many people may use it', uses, '0 means any number, for 7 days.'), err,
    h('div', {class: 'form-actions'}, h('button', {type: 'submit', class: 'primary', text: 'Create invite link'})), out);
  openDialog('Invite people', form);
  form.addEventListener('submit', async e => {
    e.preventDefault();
    try {
      const r = await api(`/api/v1/workspaces/${state.workspaceId}/invites`, {method: 'POST', body: {role: role.value, maxUses: Number(uses.value) || 0}});
      const link = location.origin + '/join/' + r.invite.code;
      const input = h('input', {type: 'text', value: link, attrs: {readonly: true, 'aria-label': 'Invite link'}});
      replace(out, h('p', {text: 'Send this link to the people you invite. It is shown only once.'}), input,
        h('button', {type: 'button', text: 'Copy link', on: {click: () => { input.select(); navigator.clipboard?.writeText(link).then(() => info('Copied', 'The invite link is on your clipboard.'), () => {}); }}}));
      input.select();
    } catch (ex) { err.textContent = ex.message; }
  });
}

export function openWorkspaceMenu() {
  const list = h('ul', {class: 'pick-list', attrs: {'aria-label': 'Your workspaces'}}, state.workspaces.map(w =>
    h('li', {}, h('button', {type: 'button', class: ['ws-pick', w.id === state.workspaceId && 'current'], text: w.name,
      attrs: {'aria-current': w.id === state.workspaceId ? 'true' : false},
      on: {click: () => { close(); document.dispatchEvent(new CustomEvent('parley:open-workspace', {detail: {workspaceId: w.id}})); }}}))));
  const name = h('input', {type: 'text', placeholder: 'New workspace name'});
  const code = h('input', {type: 'text', placeholder: 'inv_… or an invite link'});
  const err = errorLine();
  const create = h('form', {class: 'inline-form'}, field('Create a workspace', name), h('button', {type: 'submit', text: 'Create'}));
  const join = h('form', {class: 'inline-form'}, field('Join with an invite', code), h('button', {type: 'submit', text: 'Join'}));
  const {close} = openDialog('Workspaces', h('div', {}, list, create, join, err));
  const done = async w => {
    close();
    const ws = await api('/api/v1/workspaces');
    state.workspaces = ws.workspaces;
    document.dispatchEvent(new CustomEvent('parley:open-workspace', {detail: {workspaceId: w.id}}));
  };
  create.addEventListener('submit', async e => {
    e.preventDefault();
    try { done((await api('/api/v1/workspaces', {method: 'POST', body: {name: name.value.trim()}})).workspace); } catch (ex) { err.textContent = ex.message; }
  });
  join.addEventListener('submit', async e => {
    e.preventDefault();
    const c = code.value.trim().replace(/^.*\/join\//, '');
    try { done((await api('/api/v1/workspaces/join', {method: 'POST', body: {code: c}})).workspace); } catch (ex) { err.textContent = ex.message; }
  });
}

export async function openGlobalPrefs() {
  const desktop = h('input', {type: 'checkbox'});
  const sound = h('input', {type: 'checkbox'});
  const dndOn = h('input', {type: 'checkbox'});
  const start = h('input', {type: 'time', value: '22:00'});
  const end = h('input', {type: 'time', value: '08:00'});
  const zone = h('input', {type: 'text', value: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'});
  const pause = h('select', {}, h('option', {value: '', text: 'Not paused'}), h('option', {value: '30', text: 'for 30 minutes'}),
    h('option', {value: '60', text: 'for 1 hour'}), h('option', {value: '240', text: 'for 4 hours'}), h('option', {value: 'keep', text: 'keep the current pause', hidden: true}));
  const permission = h('p', {class: 'hint'});
  const err = errorLine();
  const enable = h('button', {type: 'button', text: 'Enable desktop and push notifications', on: {click: async () => {
    try { await enableDesktopNotifications(); } catch (e) { err.textContent = e.message; }
    permission.textContent = desktopStatus();
  }}});
  const form = h('form', {class: 'form'},
    h('label', {class: 'check'}, desktop, ' Desktop notifications'),
    h('label', {class: 'check'}, sound, ' Sound'),
    enable, permission,
    h('fieldset', {}, h('legend', {text: 'Do not disturb schedule'}),
      h('label', {class: 'check'}, dndOn, ' Every day'),
      h('div', {class: 'row'}, field('From', start), field('Until', end)), field('Time zone', zone)),
    field('Pause notifications', pause),
    err, h('div', {class: 'form-actions'}, h('button', {type: 'submit', class: 'primary', text: 'Save'})));
  const {close} = openDialog('Notification preferences', form);
  permission.textContent = desktopStatus();
  let loaded = null;
  const enableAll = lockForm(form);
  try {
    loaded = (await api('/api/v1/users/me/notification-preferences')).preferences;
    desktop.checked = loaded.desktop !== false;
    sound.checked = loaded.sound !== false;
    if (loaded.dndSchedule) {
      dndOn.checked = loaded.dndSchedule.enabled !== false;
      start.value = loaded.dndSchedule.start;
      end.value = loaded.dndSchedule.end;
      zone.value = loaded.dndSchedule.timeZone;
    }
    if (loaded.dndUntil && Date.parse(loaded.dndUntil) > Date.now()) {
      pause.querySelector('[value=keep]').hidden = false;
      pause.querySelector('[value=keep]').textContent = 'paused until ' + new Date(loaded.dndUntil).toLocaleTimeString();
      pause.value = 'keep';
    }
  } catch (e) { err.textContent = e.message; }
  enableAll();
  form.addEventListener('submit', async e => {
    e.preventDefault();
    const body = {desktop: desktop.checked, sound: sound.checked,
      dndSchedule: {enabled: dndOn.checked, start: start.value, end: end.value, timeZone: zone.value.trim()}};
    if (pause.value === 'keep') body.dndUntil = loaded.dndUntil;
    else if (pause.value) body.dndUntil = new Date(Date.now() + Number(pause.value) * 60000).toISOString();
    try {
      await api('/api/v1/users/me/notification-preferences', {method: 'PUT', body});
      state.prefs = body;
      close();
      info('Saved', 'Your notification preferences are saved.');
    } catch (ex) { err.textContent = ex.message; }
  });
}

export async function openChatPrefs(chat) {
  const levels = [['all', 'Every message'], ['mentions_only', 'Only @mentions'], ['off', 'Nothing (badge only)']];
  const radios = levels.map(([v, label]) => {
    const r = h('input', {type: 'radio', name: 'level', value: v});
    return {v, r, el: h('label', {class: 'check'}, r, ' ' + label)};
  });
  const muted = h('input', {type: 'checkbox'});
  const sound = h('input', {type: 'checkbox'});
  const err = errorLine();
  const form = h('form', {class: 'form'},
    h('fieldset', {}, h('legend', {text: 'Notify me about'}), radios.map(x => x.el)),
    h('label', {class: 'check'}, muted, ' Mute (only direct @mentions and urgent messages get through)'),
    h('label', {class: 'check'}, sound, ' Sound'),
    err, h('div', {class: 'form-actions'}, h('button', {type: 'submit', class: 'primary', text: 'Save'})));
  const {close} = openDialog('Notifications for ' + chatTitle(chat), form);
  const enableAll = lockForm(form);
  try {
    const p = (await api(`/api/v1/chats/${chat.id}/notification-preferences`)).preferences;
    radios.forEach(x => { x.r.checked = x.v === p.level; });
    muted.checked = !!p.muted;
    sound.checked = p.sound !== false;
  } catch (e) { err.textContent = e.message; }
  enableAll();
  form.addEventListener('submit', async e => {
    e.preventDefault();
    const level = radios.find(x => x.r.checked)?.v || 'all';
    try {
      await api(`/api/v1/chats/${chat.id}/notification-preferences`, {method: 'PUT', body: {level, muted: muted.checked, sound: sound.checked}});
      close();
    } catch (ex) { err.textContent = ex.message; }
  });
}

export function openTopic(chat) {
  const topic = h('input', {type: 'text', value: chat.topic || '', maxLength: 250});
  const err = errorLine();
  const form = h('form', {class: 'form'}, field('Topic', topic), err,
    h('div', {class: 'form-actions'}, h('button', {type: 'submit', class: 'primary', text: 'Save'})));
  const {close} = openDialog('Topic of ' + chatTitle(chat), form);
  form.addEventListener('submit', async e => {
    e.preventDefault();
    try {
      await api(`/api/v1/chats/${chat.id}`, {method: 'PATCH', body: {topic: topic.value}});
      close();
      client.refreshChat(chat.id);
    } catch (ex) { err.textContent = ex.message; }
  });
}

export async function openMembers(chat) {
  const list = h('ul', {class: 'pick-list', attrs: {'aria-label': 'Members'}}, h('li', {text: 'Loading…'}));
  const add = h('select', {attrs: {'aria-label': 'Add a person'}});
  const addRow = isChannel(chat) ? h('form', {class: 'inline-form'}, add, h('button', {type: 'submit', text: 'Add to channel'})) : null;
  openDialog('Members of ' + chatTitle(chat), h('div', {}, list, addRow));
  const load = async () => {
    const users = (await api(`/api/v1/chats/${chat.id}/members`)).users;
    users.forEach(u => state.users.has(u.id) || state.users.set(u.id, u));
    client.subscribePresence(users.map(u => u.id));
    replace(list, users.map(u => h('li', {class: 'pick-row'}, h('span', {}, presenceDot(u.id), ' ', u.displayName || u.handle, h('span', {class: 'muted', text: ' @' + u.handle})))));
    const ids = new Set(users.map(u => u.id));
    replace(add, h('option', {value: '', text: 'Add a person…'}),
      [...state.users.values()].filter(u => !ids.has(u.id) && !u.deactivated).map(u => h('option', {value: u.id, text: userName(u.id)})));
  };
  addRow?.addEventListener('submit', async e => {
    e.preventDefault();
    if (!add.value) return;
    try { await api(`/api/v1/chats/${chat.id}/members`, {method: 'POST', body: {userIds: [add.value]}}); await load(); } catch (ex) { showError(ex); }
  });
  load().catch(e => replace(list, h('li', {class: 'error-text', text: e.message})));
}
