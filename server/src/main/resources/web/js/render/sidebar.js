// The sidebar: workspace switcher, channels, DMs and group DMs with unread counts, mention badges
// and a total, presence dots, and the buttons to create, browse and start conversations.
import {h, replace} from '../dom.js';
import {state, on, chatTitle, isChannel, unreadOf, dmPartner} from '../store.js';
import {presenceDot, presenceMenu} from './presence.js';
import {openCreateChannel, openBrowse, openNewDm, openWorkspaceMenu, openGlobalPrefs} from './dialogs.js';

/** opts: {onOpen(chatId), onSearch(), onSignOut()} */
export function mountSidebar(el, opts) {
  const wsButton = h('button', {type: 'button', class: 'workspace-button', attrs: {'aria-haspopup': 'dialog'}, on: {click: openWorkspaceMenu}});
  const total = h('span', {class: 'total-badge', hidden: true});
  const search = h('button', {type: 'button', class: 'search-button', on: {click: () => opts.onSearch()}},
    h('span', {text: 'Search'}), h('kbd', {text: 'Ctrl K'}));
  const channels = h('ul', {class: 'chat-list', attrs: {'aria-label': 'Channels'}});
  const dms = h('ul', {class: 'chat-list', attrs: {'aria-label': 'Direct messages'}});
  const me = presenceMenu();
  const nav = h('nav', {class: 'sidebar-inner', attrs: {'aria-label': 'Chats'}},
    h('div', {class: 'workspace-row'}, wsButton, total),
    search,
    section('Channels', channels, [
      h('button', {type: 'button', class: 'icon-button', text: '+', title: 'Create a channel', attrs: {'aria-label': 'Create a channel'}, on: {click: openCreateChannel}}),
      h('button', {type: 'button', class: 'icon-button', text: '⌕', title: 'Browse channels', attrs: {'aria-label': 'Browse channels'}, on: {click: openBrowse}})]),
    section('Direct messages', dms, [
      h('button', {type: 'button', class: 'icon-button', text: '+', title: 'New direct message', attrs: {'aria-label': 'New direct message'}, on: {click: openNewDm}})]),
    h('div', {class: 'sidebar-footer'}, me.el,
      h('button', {type: 'button', class: 'icon-button', text: '⚙', title: 'Notification preferences', attrs: {'aria-label': 'Notification preferences'}, on: {click: openGlobalPrefs}}),
      h('button', {type: 'button', class: 'icon-button', text: '⏻', title: 'Sign out', attrs: {'aria-label': 'Sign out'}, on: {click: () => opts.onSignOut()}})));
  replace(el, nav);

  function render() {
    const ws = state.workspaces.find(w => w.id === state.workspaceId);
    replace(wsButton, h('span', {class: 'ws-name', text: ws?.name || 'Parley'}), h('span', {class: 'caret', attrs: {'aria-hidden': 'true'}, text: '▾'}),
      h('span', {class: 'sr-only', text: '. Switch workspace'}));
    const all = [...state.chats.values()].filter(c => !c.archived);
    const sorted = (list) => list.sort((a, b) => chatTitle(a).localeCompare(chatTitle(b)));
    replace(channels, sorted(all.filter(isChannel)).map(item));
    replace(dms, sorted(all.filter(c => !isChannel(c))).map(item));
    const t = state.totals;
    total.hidden = !t.unread && !t.mentions;
    total.textContent = t.mentions ? `@${t.mentions}` : String(t.unread);
    total.setAttribute('aria-label', `${t.unread} unread, ${t.mentions} mentions in all chats`);
    total.classList.toggle('has-mentions', t.mentions > 0);
    document.title = (t.unread ? `(${t.unread}) ` : '') + (ws?.name ? ws.name + ' · ' : '') + 'Parley';
    me.refresh();
  }

  function item(c) {
    const u = unreadOf(c.id);
    const current = c.id === state.currentChatId;
    const partner = dmPartner(c);
    const label = chatTitle(c) + (u.unreadCount ? `, ${u.unreadCount} unread` : '') + (u.mentionCount ? `, ${u.mentionCount} mentions` : '');
    return h('li', {},
      h('button', {type: 'button', class: ['chat-item', current && 'current', u.unreadCount && 'unread'], dataset: {chatId: c.id},
        attrs: {'aria-current': current ? 'page' : false, 'aria-label': label},
        on: {click: () => opts.onOpen(c.id)}},
      partner ? presenceDot(partner) : h('span', {class: 'chat-icon', attrs: {'aria-hidden': 'true'}, text: isChannel(c) ? (c.kind === 'private_channel' ? '🔒' : '#') : '👥'}),
      h('span', {class: 'chat-name', text: isChannel(c) ? c.name : chatTitle(c)}),
      u.mentionCount ? h('span', {class: 'badge mention-badge', attrs: {'aria-hidden': 'true'}, text: '@' + u.mentionCount}) : null,
      u.unreadCount ? h('span', {class: 'badge unread-badge', attrs: {'aria-hidden': 'true'}, text: String(u.unreadCount)}) : null));
  }

  for (const t of ['chats', 'unread', 'presence', 'users', 'workspaces', 'view', 'connection']) on(t, render);
  render();
}

function section(title, list, buttons) {
  return h('section', {class: 'sidebar-section'},
    h('div', {class: 'section-head'}, h('h2', {text: title}), h('div', {class: 'section-tools'}, buttons)), list);
}

/** Alt+ArrowUp / Alt+ArrowDown: the previous or next chat in the sidebar. */
export function neighbourChat(delta) {
  const ids = [...document.querySelectorAll('.chat-item')].map(b => b.dataset.chatId);
  const i = ids.indexOf(state.currentChatId);
  if (!ids.length) return null;
  return ids[(i + delta + ids.length) % ids.length];
}
