// Screens before the app: first-run setup (owner + workspace), sign-in, and joining by invite link.
import {h, replace} from '../dom.js';
import {api} from '../api.js';
import {setSession} from '../session.js';

function field(label, input) {
  const id = 'a-' + Math.random().toString(36).slice(2);
  input.id = id;
  return h('div', {class: 'field'}, h('label', {htmlFor: id, text: label}), input);
}

function card(title, subtitle, form) {
  return h('main', {class: 'auth'}, h('div', {class: 'auth-card'},
    h('div', {class: 'brand'}, h('img', {attrs: {src: '/icon.svg', alt: '', width: 40, height: 40}}), h('span', {text: 'Parley'})),
    h('h1', {text: title}), subtitle ? h('p', {class: 'muted', text: subtitle}) : null, form));
}

function submitting(form, err, run) {
  form.addEventListener('submit', async e => {
    e.preventDefault();
    const btn = form.querySelector('button[type=submit]');
    btn.disabled = true;
    err.textContent = '';
    try { await run(); } catch (ex) { err.textContent = ex.offline ? 'The server cannot be reached.' : ex.message; } finally { btn.disabled = false; }
  });
}

const input = (type, autocomplete, extra = {}) => h('input', {type, autocomplete, required: true, ...extra});

/** First run: creates the owner and the first workspace. */
export function showSetup(root, onDone) {
  const email = input('email', 'email'), handle = input('text', 'username', {placeholder: 'e.g. olive'});
  const name = input('text', 'name', {required: false}), password = input('password', 'new-password', {min: 8});
  const ws = input('text', 'organization', {placeholder: 'e.g. Acme'});
  const err = h('p', {class: 'error-text', attrs: {role: 'alert'}});
  const form = h('form', {class: 'form'}, field('Workspace name', ws), field('Your name', name), field('Handle', handle),
    field('E-mail', email), field('Password (at least 8 characters)', password), err,
    h('button', {type: 'submit', class: 'primary wide', text: 'Create workspace'}));
  replace(root, card('Set up Parley', 'No account exists yet. Create the owner account and the first workspace.', form));
  submitting(form, err, async () => {
    const s = await api('/api/v1/setup', {method: 'POST', auth: false, body: {email: email.value.trim(), handle: handle.value.trim().toLowerCase(),
      displayName: name.value.trim() || null, password: password.value, workspaceName: ws.value.trim()}});
    setSession(s);
    onDone(s.workspace?.id);
  });
  ws.focus();
}

export function showLogin(root, onDone, {invite} = {}) {
  const email = input('email', 'email'), password = input('password', 'current-password');
  const err = h('p', {class: 'error-text', attrs: {role: 'alert'}});
  const form = h('form', {class: 'form'}, field('E-mail', email), field('Password', password), err,
    h('button', {type: 'submit', class: 'primary wide', text: invite ? 'Sign in and join' : 'Sign in'}),
    invite ? h('p', {}, h('button', {type: 'button', class: 'link', text: 'New here? Create an account', on: {click: () => showRegister(root, onDone, invite)}})) : null);
  replace(root, card(invite ? 'Sign in to join' : 'Sign in to Parley', invite ? 'You were invited to a workspace.' : null, form));
  submitting(form, err, async () => {
    setSession(await api('/api/v1/auth/login', {method: 'POST', auth: false, body: {email: email.value.trim(), password: password.value}}));
    onDone(null);
  });
  email.focus();
}

/** Sign-up with an invite code (the /join/inv_… link). */
export function showRegister(root, onDone, code) {
  const email = input('email', 'email'), handle = input('text', 'username');
  const name = input('text', 'name', {required: false}), password = input('password', 'new-password', {min: 8});
  const err = h('p', {class: 'error-text', attrs: {role: 'alert'}});
  const form = h('form', {class: 'form'}, field('Your name', name), field('Handle', handle), field('E-mail', email),
    field('Password (at least 8 characters)', password), err,
    h('button', {type: 'submit', class: 'primary wide', text: 'Join the workspace'}),
    h('p', {}, h('button', {type: 'button', class: 'link', text: 'I already have an account', on: {click: () => showLogin(root, onDone, {invite: code})}})));
  replace(root, card('You are invited', 'Create your account to join.', form));
  submitting(form, err, async () => {
    const s = await api('/api/v1/auth/register', {method: 'POST', auth: false, body: {inviteCode: code, email: email.value.trim(),
      handle: handle.value.trim().toLowerCase(), displayName: name.value.trim() || null, password: password.value}});
    setSession(s);
    sessionStorage.removeItem('parley.invite');
    onDone(s.workspace?.id);
  });
  name.focus();
}

/** Signed in but in no workspace: create one or join with a code. */
export function showNoWorkspace(root, onDone) {
  const name = input('text', 'organization'), code = input('text', 'off', {placeholder: 'inv_… or the invite link'});
  const err = h('p', {class: 'error-text', attrs: {role: 'alert'}});
  const create = h('form', {class: 'form'}, field('Create a workspace', name), h('button', {type: 'submit', class: 'primary', text: 'Create'}));
  const join = h('form', {class: 'form'}, field('Or join with an invite', code), h('button', {type: 'submit', text: 'Join'}));
  replace(root, card('No workspace yet', null, h('div', {}, create, join, err)));
  submitting(create, err, async () => onDone((await api('/api/v1/workspaces', {method: 'POST', body: {name: name.value.trim()}})).workspace.id));
  submitting(join, err, async () => onDone((await api('/api/v1/workspaces/join', {method: 'POST', body: {code: code.value.trim().replace(/^.*\/join\//, '')}})).workspace.id));
}
