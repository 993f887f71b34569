// The web client end to end, two people in two browser contexts against one real server:
// setup, invite, sign-up, channels, chat both ways, typing, reactions, threads, unread badges,
// toasts, DMs and presence, search, a server restart with a message composed offline (delivered
// exactly once), offline search, inert XSS payloads, token renewal, the phone layout.
// Run by WebClientBrowserTest (./parley test); alone: PARLEY_URL=http://127.0.0.1:8080 node run.mjs
// against a fresh server (the restart steps then need someone to answer on stdin).
import {launch, newPage, step, summary, shot, until, assert, control} from './harness.mjs';

const XSS_MESSAGE = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script> **still text**';
const XSS_NAME = 'Bob <img src=x onerror="window.__xss=3">';
const XSS_TOPIC = '<svg onload="window.__xss=4">plans & ideas';
const XSS_FILE = '<img src=x onerror="window.__xss=5">.txt';
const XSS_BOT = '<img src=x onerror="window.__xss=6">CI bot';

const browser = await launch();
const a = await newPage(browser, 'olive');
const b = await newPage(browser, 'bob');
const pages = [a, b];
let inviteLink;
let plansId;

const composer = p => p.locator('.chat-pane .composer-input');
const send = async (p, text) => { await composer(p).fill(text); await composer(p).press('Enter'); };
const message = (p, text) => p.locator('.chat-pane article.msg', {hasText: text});
const exactMessage = (p, text) => p.locator('.chat-pane article.msg').filter({has: p.locator('.content', {hasText: new RegExp('^' + text + '$')})});
const sidebarItem = (p, name) => p.locator('.chat-item', {hasText: name});

try {
  await step('first run: the owner sets up the workspace in the browser', pages, async () => {
    await a.goto('/');
    await a.getByRole('heading', {name: 'Set up Parley'}).waitFor();
    await a.getByLabel('Workspace name').fill('Acme');
    await a.getByLabel('Your name').fill('Olive Owner');
    await a.getByLabel('Handle').fill('olive');
    await a.getByLabel('E-mail').fill('olive@example.com');
    await a.getByLabel('Password (at least 8 characters)').fill('correct horse battery');
    await shot(a, 'setup');
    await a.getByRole('button', {name: 'Create workspace'}).click();
    await a.locator('#chat-title', {hasText: '#general'}).waitFor();
    await until(a, () => window.parley.state.connection === 'online');
    await a.evaluate(() => { window.__firstToken = JSON.parse(localStorage.getItem('parley.session')).accessToken; });
  });

  await step('in the page: the formatter builds nodes, typing wording, reconnect backoff', pages, async () => {
    const r = await a.evaluate(async () => {
      const f = await import('/js/format.js');
      const t = await import('/js/render/typing.js');
      const s = await import('/js/socket.js');
      const html = text => { const d = document.createElement('div'); d.append(f.formatMessage(text, {me: 'olive'})); return d; };
      const probe = (text, sel) => [...html(text).querySelectorAll(sel)].map(e => e.textContent);
      const link = html('see https://example.com/x?a=1. and javascript:alert(1)').querySelector('a');
      return {
        bold: probe('a **b** and *c*', 'strong'), italic: probe('_it_ x', 'em'), strike: probe('~gone~', 's'),
        code: probe('run `rm -rf` now', 'code'), block: probe('```\nline 1\nline 2\n```', 'pre'),
        quote: probe('> quoted\nnot', 'blockquote'), mention: probe('hi @olive and @ben', '.mention-me'),
        noTags: html('<b>x</b><img src=x onerror=alert(1)>').querySelectorAll('b, img').length,
        text: html('<b>x</b>').textContent, href: link?.href, rel: link?.rel, target: link?.target,
        links: html('javascript:alert(1) and data:text/html,x').querySelectorAll('a').length,
        marks: f.highlightNodes('a &lt;b&gt; <mark>deploy</mark> &amp; more').map(n => n.nodeName + ':' + n.textContent),
        typing: [t.typingWording(['Ana']), t.typingWording(['Ana', 'Ben']), t.typingWording(['Ana', 'Ben', 'Cy'])],
        backoff: [0, 1, 2, 3, 4, 5, 6, 9].map(n => s.backoffDelayMs(n, () => 0)),
        jitterMax: s.backoffDelayMs(0, () => 0.999),
        uuidInsecure: (() => { crypto.randomUUID = undefined; try { return s.uuid(); } finally { delete crypto.randomUUID; } })(),
      };
    });
    const eq = (x, y, what) => assert(JSON.stringify(x) === JSON.stringify(y), `${what}: ${JSON.stringify(x)}`);
    eq(r.bold, ['b', 'c'], 'bold'); eq(r.italic, ['it'], 'italic'); eq(r.strike, ['gone'], 'strike');
    eq(r.code, ['rm -rf'], 'code'); eq(r.block, ['line 1\nline 2'], 'code block'); eq(r.quote, ['quoted'], 'quote');
    eq(r.mention, ['@olive'], 'my mention'); eq(r.noTags, 0, 'no markup from content'); eq(r.text, '<b>x</b>', 'text');
    eq(r.href, 'https://example.com/x?a=1', 'link'); eq(r.rel, 'noopener noreferrer nofollow', 'rel'); eq(r.target, '_blank', 'target');
    eq(r.links, 0, 'no javascript: or data: links');
    eq(r.marks, ['#text:a <b> ', 'MARK:deploy', '#text: & more'], 'highlights');
    eq(r.typing, ['Ana is typing…', 'Ana and Ben are typing…', 'Several people are typing…'], 'typing wording');
    eq(r.backoff, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000], 'backoff');
    assert(r.jitterMax > 1000 && r.jitterMax <= 1200, 'jitter ' + r.jitterMax);
    assert(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(r.uuidInsecure), 'uuid without randomUUID ' + r.uuidInsecure);
  });

  await step('the owner creates an invite link; a second person signs up with it', pages, async () => {
    await a.getByRole('button', {name: 'Invite people to the workspace'}).click();
    await a.getByRole('button', {name: 'Create invite link'}).click();
    inviteLink = await a.getByLabel('Invite link').inputValue();
    assert(/\/join\/inv_/.test(inviteLink), 'invite link ' + inviteLink);
    await a.keyboard.press('Escape');
    await b.goto(inviteLink);
    await b.getByRole('heading', {name: 'You are invited'}).waitFor();
    await b.getByLabel('Your name').fill(XSS_NAME);
    await b.getByLabel('Handle').fill('bob');
    await b.getByLabel('E-mail').fill('bob@example.com');
    await b.getByLabel('Password (at least 8 characters)').fill('bob password 1');
    await b.getByRole('button', {name: 'Join the workspace'}).click();
    await b.locator('#chat-title', {hasText: '#general'}).waitFor();
    await until(b, () => window.parley.state.connection === 'online');
  });

  await step('a channel is created with a topic, found by browsing and joined', pages, async () => {
    await a.getByRole('button', {name: 'Create a channel'}).click();
    await a.getByRole('textbox', {name: 'Name'}).fill('plans');
    await a.getByRole('textbox', {name: 'Topic'}).fill(XSS_TOPIC);
    await a.getByRole('button', {name: 'Create channel'}).click();
    await a.locator('#chat-title', {hasText: '#plans'}).waitFor();
    plansId = await a.evaluate(() => window.parley.state.currentChatId);
    await b.getByRole('button', {name: 'Browse channels'}).click();
    await b.getByRole('button', {name: 'Join #plans'}).click();
    await b.locator('#chat-title', {hasText: '#plans'}).waitFor();
  });

  await step('both chat both ways, each sees the other typing first', pages, async () => {
    await composer(b).pressSequentially('typing…', {delay: 20});
    await a.locator('.typing-line', {hasText: 'Bob <img src=x onerror="window.__xss=3"> is typing…'}).waitFor();
    await composer(b).fill('');
    await composer(a).pressSequentially('hel', {delay: 20});
    await b.locator('.typing-line', {hasText: 'Olive Owner is typing…'}).waitFor();
    await send(a, 'hello from Olive, the *plan* is `ready`');
    await message(b, 'hello from Olive').waitFor();
    await b.locator('.typing-line:empty').waitFor();
    await send(b, 'hi Olive, Bob here');
    await message(a, 'hi Olive, Bob here').waitFor();
    assert(await message(a, 'hello from Olive').locator('strong', {hasText: 'plan'}).count() === 1, 'bold rendered');
    assert(await message(a, 'hello from Olive').locator('code', {hasText: 'ready'}).count() === 1, 'code rendered');
    await until(a, () => !document.querySelector('.msg.state-sending, .msg.state-pending'));
  });

  await step('composer: Shift+Enter breaks the line, @-autocomplete, edit and delete your own, a failed send', pages, async () => {
    await composer(a).pressSequentially('line one');
    await composer(a).press('Shift+Enter');
    await composer(a).pressSequentially('line two for @bo');
    await a.getByRole('option', {name: /@bob/}).waitFor();
    await composer(a).press('Enter'); // picks the suggestion
    assert((await composer(a).inputValue()).endsWith('@bob '), 'autocomplete inserted the handle');
    await composer(a).press('Enter');
    const m = message(b, 'line two for');
    await m.waitFor();
    assert(await m.locator('.content br').count() === 1, 'two lines');
    await m.locator('.mention', {hasText: '@bob'}).waitFor();
    // Edit with ArrowUp in the empty composer, then delete.
    await composer(a).press('ArrowUp');
    await a.getByRole('textbox', {name: 'Edit message'}).fill('line two, edited');
    await a.getByRole('textbox', {name: 'Edit message'}).press('Enter');
    await message(b, 'line two, edited').locator('.edited').waitFor();
    a.once('dialog', d => d.accept());
    const mine = message(a, 'line two, edited');
    await mine.hover();
    await mine.getByRole('button', {name: 'Delete message'}).click();
    await b.locator('.chat-pane .tombstone', {hasText: 'This message was deleted.'}).waitFor();
    // A message the server refuses (too long) fails, says why, and can be discarded.
    await composer(a).fill('x'.repeat(40001));
    await composer(a).press('Enter');
    const failed = a.locator('.msg.state-failed');
    await failed.getByRole('button', {name: 'Retry'}).waitFor();
    await failed.getByRole('button', {name: 'Discard'}).click();
    await failed.waitFor({state: 'detached'});
  });

  await step('a reaction from the picker shows on both sides', pages, async () => {
    const m = message(b, 'hello from Olive');
    await m.hover();
    await m.getByRole('button', {name: 'Add reaction'}).click();
    await b.getByRole('button', {name: 'React with 🎉'}).click();
    await message(a, 'hello from Olive').locator('.reaction', {hasText: '🎉'}).filter({hasText: '1'}).waitFor();
    await message(b, 'hello from Olive').locator('.reaction.mine', {hasText: '🎉'}).waitFor();
  });

  await step('keyboard: arrows move between messages, Tab reaches their actions, the picker works by keys', pages, async () => {
    await a.locator('.chat-pane .scroller').focus();
    await a.keyboard.press('End'); // the deleted message
    await a.keyboard.press('ArrowUp');
    await a.keyboard.press('ArrowUp');
    const focused = await a.evaluate(() => document.activeElement.closest('article.msg')?.textContent || '');
    assert(focused.includes('hello from Olive'), 'ArrowUp focused the previous message: ' + focused);
    const label = () => a.evaluate(() => document.activeElement.getAttribute('aria-label'));
    await a.keyboard.press('Tab'); // the existing 🎉 reaction
    assert((await label()).startsWith('🎉 1'), 'Tab reaches the reactions: ' + await label());
    await a.keyboard.press('Tab');
    assert(await label() === 'Add reaction', 'then the add-reaction button: ' + await label());
    await a.keyboard.press('Enter');
    await a.keyboard.press('ArrowRight');
    await a.keyboard.press('Enter');
    await message(b, 'hello from Olive').locator('.reaction', {hasText: '❤️'}).waitFor();
  });

  await step('a reply in a thread: the side panel, the reply count on the other side', pages, async () => {
    const m = message(a, 'hi Olive, Bob here');
    await m.hover();
    await m.getByRole('button', {name: 'Reply in thread'}).click();
    await a.getByRole('textbox', {name: 'Reply in thread'}).fill('replying in the thread');
    await a.getByRole('textbox', {name: 'Reply in thread'}).press('Enter');
    await a.locator('.thread-pane article.msg', {hasText: 'replying in the thread'}).waitFor();
    const link = message(b, 'hi Olive, Bob here').getByRole('button', {name: /1 reply/});
    await link.waitFor();
    await link.click();
    await b.locator('.thread-pane article.msg', {hasText: 'replying in the thread'}).waitFor();
    await shot(a, 'thread');
    await b.getByRole('button', {name: 'Close thread'}).click();
    await a.getByRole('button', {name: 'Close thread'}).click();
  });

  await step('an unread badge and a mention badge appear elsewhere, a toast shows, and both clear on opening', pages, async () => {
    await sidebarItem(b, 'general').click();
    await b.locator('#chat-title', {hasText: '#general'}).waitFor();
    await send(a, 'ping @bob, look at this');
    await sidebarItem(b, 'plans').locator('.unread-badge', {hasText: '1'}).waitFor();
    await sidebarItem(b, 'plans').locator('.mention-badge', {hasText: '@1'}).waitFor();
    // The toast (or, within 5 s of another for this chat, the grouped one).
    await b.locator('.toast', {hasText: /ping @bob|new messages? in #plans/}).waitFor();
    await until(b, () => document.title.startsWith('(1)'));
    await shot(b, 'unread-badge');
    await sidebarItem(b, 'plans').click();
    await message(b, 'ping @bob').waitFor();
    assert(await message(b, 'ping @bob').evaluate(e => e.classList.contains('mentions-me')), 'the mention is highlighted');
    await sidebarItem(b, 'plans').locator('.unread-badge').waitFor({state: 'detached'});
    await until(b, () => window.parley.state.totals.unread === 0);
    // The server agrees: the read mark went out.
    await until(b, async () => {
      const s = JSON.parse(localStorage.getItem('parley.session'));
      const ws = window.parley.state.workspaceId;
      const r = await fetch('/api/v1/unread?workspaceId=' + ws, {headers: {Authorization: 'Bearer ' + s.accessToken}});
      return (await r.json()).totalUnread === 0;
    });
  });

  await step('a DM is started; presence set to Do not disturb shows on the other side', pages, async () => {
    await a.getByRole('button', {name: 'New direct message'}).click();
    await a.getByRole('checkbox', {name: XSS_NAME}).check();
    await a.getByRole('button', {name: 'Start conversation'}).click();
    await a.locator('#chat-title', {hasText: XSS_NAME}).waitFor();
    await send(a, 'a direct hello');
    await b.locator('.chat-item', {hasText: 'Olive Owner'}).locator('.unread-badge').waitFor();
    await a.locator('.me-button').click();
    await a.getByRole('menuitem', {name: 'Do not disturb'}).click();
    await b.locator('.chat-item', {hasText: 'Olive Owner'}).locator('.presence-dot[aria-label="Do not disturb"]').waitFor();
    await a.locator('.me-button').click();
    await a.getByRole('menuitem', {name: 'Available'}).click();
  });

  await step('search (Ctrl+K) with a filter: highlighted results, jump to the message', pages, async () => {
    await sidebarItem(a, 'general').click();
    await a.keyboard.press('Control+k');
    const input = a.getByRole('searchbox', {name: 'Search'});
    await input.fill('hello in:#plans');
    await input.press('Enter');
    const hit = a.locator('.result', {hasText: 'from Olive'});
    await hit.waitFor();
    assert(await hit.locator('mark').first().textContent() === 'hello', 'the match is highlighted');
    await shot(a, 'search');
    await hit.click();
    await a.locator('#chat-title', {hasText: '#plans'}).waitFor();
    await until(a, () => [...document.querySelectorAll('.chat-pane article.msg')].some(e => e.textContent.includes('hello from Olive') && e === document.activeElement));
  });

  await step('notification preferences: a DND schedule and a per-chat level are saved', pages, async () => {
    await a.getByRole('button', {name: 'Notification preferences'}).click();
    await a.getByLabel('Every day').check();
    await a.getByLabel('From').fill('22:30');
    await a.getByLabel('Until').fill('07:15');
    await a.getByRole('button', {name: 'Save', exact: true}).click();
    await a.locator('dialog').waitFor({state: 'detached'}); // closes once the server stored it
    await a.getByRole('button', {name: 'Notification settings for this chat'}).click();
    await a.getByLabel('Every message').check();
    await a.getByRole('button', {name: 'Save', exact: true}).click();
    await a.locator('dialog').waitFor({state: 'detached'});
    const prefs = await a.evaluate(async chatId => {
      const s = JSON.parse(localStorage.getItem('parley.session'));
      const h = {headers: {Authorization: 'Bearer ' + s.accessToken}};
      const g = await (await fetch('/api/v1/users/me/notification-preferences', h)).json();
      const c = await (await fetch(`/api/v1/chats/${chatId}/notification-preferences`, h)).json();
      return {g: g.preferences, c: c.preferences};
    }, plansId);
    assert(prefs.g.dndSchedule?.start === '22:30' && prefs.g.dndSchedule?.end === '07:15', 'schedule ' + JSON.stringify(prefs.g));
    assert(prefs.c.level === 'all', 'chat level ' + JSON.stringify(prefs.c));
  });

  await step('history: infinite scroll back, the New messages indicator, jump to last read', pages, async () => {
    const chatId = await a.evaluate(async () => {
      const s = JSON.parse(localStorage.getItem('parley.session'));
      const h = {Authorization: 'Bearer ' + s.accessToken, 'Content-Type': 'application/json'};
      const ws = window.parley.state.workspaceId;
      const c = (await (await fetch(`/api/v1/workspaces/${ws}/channels`, {method: 'POST', headers: h, body: JSON.stringify({name: 'history'})})).json()).chat;
      for (let i = 1; i <= 80; i++) {
        await fetch(`/api/v1/chats/${c.id}/messages`, {method: 'POST', headers: h, body: JSON.stringify({content: `old message ${i}`})});
      }
      return c.id;
    });
    await b.evaluate(async chatId => {
      const s = JSON.parse(localStorage.getItem('parley.session'));
      await fetch(`/api/v1/chats/${chatId}/join`, {method: 'POST', headers: {Authorization: 'Bearer ' + s.accessToken}});
    }, chatId);
    await sidebarItem(b, 'history').click();
    await exactMessage(b, 'old message 80').waitFor();
    // Jump to last read: Bob read nothing here, so the New divider sits above message 1... load back to it.
    const scroller = b.locator('.chat-pane .scroller');
    await scroller.evaluate(e => { e.scrollTop = 0; });
    await exactMessage(b, 'old message 1').waitFor();
    await b.locator('.history-top', {hasText: 'very beginning'}).waitFor();
    await scroller.evaluate(e => { e.scrollTop = e.scrollHeight; });
    await until(b, () => window.parley.state.unread.get(window.parley.state.currentChatId)?.unreadCount === 0);
    // Scrolled up, a new message raises the indicator instead of moving the view.
    await scroller.evaluate(e => { e.scrollTop = e.scrollHeight / 3; });
    const top = await scroller.evaluate(e => e.scrollTop);
    await a.evaluate(async chatId => {
      const s = JSON.parse(localStorage.getItem('parley.session'));
      await fetch(`/api/v1/chats/${chatId}/messages`, {method: 'POST', headers: {Authorization: 'Bearer ' + s.accessToken, 'Content-Type': 'application/json'},
        body: JSON.stringify({content: 'brand new message'})});
    }, chatId);
    const indicator = b.getByRole('button', {name: '↓ 1 new message'});
    await indicator.waitFor();
    assert(Math.abs(await scroller.evaluate(e => e.scrollTop) - top) < 5, 'the view did not move');
    await shot(b, 'new-messages');
    await indicator.click();
    await message(b, 'brand new message').waitFor();
    await until(b, () => { const e = document.querySelector('.chat-pane .scroller'); return e.scrollHeight - e.scrollTop - e.clientHeight < 50; });
    await indicator.waitFor({state: 'hidden'});
    // Away from the chat, more arrive; coming back shows the New divider, and Jump to last read finds it.
    await sidebarItem(b, 'general').click();
    await a.evaluate(async chatId => {
      const s = JSON.parse(localStorage.getItem('parley.session'));
      for (let i = 1; i <= 40; i++) {
        await fetch(`/api/v1/chats/${chatId}/messages`, {method: 'POST', headers: {Authorization: 'Bearer ' + s.accessToken, 'Content-Type': 'application/json'},
          body: JSON.stringify({content: `unread message ${i}`})});
      }
    }, chatId);
    await sidebarItem(b, 'history').locator('.unread-badge', {hasText: '40'}).waitFor();
    await sidebarItem(b, 'history').click();
    const divider = b.locator('.chat-pane .new-divider');
    await divider.waitFor();
    await scroller.evaluate(e => { e.scrollTop = e.scrollHeight; });
    const jump = b.getByRole('button', {name: 'Jump to last read'});
    await jump.waitFor();
    await jump.click();
    await until(b, () => { const d = document.querySelector('.chat-pane .new-divider').getBoundingClientRect(); return d.top >= 0 && d.bottom <= innerHeight; });
    // Keyboard: Alt+ArrowUp goes to the chat above in the sidebar.
    await b.locator('.chat-pane .composer-input').focus();
    await b.keyboard.press('Alt+ArrowUp');
    await b.locator('#chat-title', {hasText: '#general'}).waitFor();
  });

  await step('XSS payloads in a message, a display name, a topic and a file name stay text', pages, async () => {
    await sidebarItem(b, 'plans').click();
    await b.locator('#chat-title', {hasText: '#plans'}).waitFor();
    await send(a, XSS_MESSAGE);
    await message(b, 'still text').waitFor();
    await b.locator('.chat-item', {hasText: 'Olive Owner'}).click();
    await b.locator('.chat-item', {hasText: 'plans'}).click();
    await b.locator('.topic', {hasText: XSS_TOPIC}).waitFor();
    await b.locator('.composer-row input[type=file], .chat-pane input[type=file]').first().setInputFiles({name: XSS_FILE, mimeType: 'text/plain', buffer: Buffer.from('hi')});
    await b.locator('.upload .file-name', {hasText: XSS_FILE}).waitFor();
    await b.locator('.upload').getByRole('button', {name: /Remove/}).click();
    for (const p of pages) {
      const text = await message(p, 'still text').locator('.content').textContent();
      assert(text.includes('<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'), 'the payload shows literally: ' + text);
      assert(await message(p, 'still text').locator('.content strong', {hasText: 'still text'}).count() === 1, 'formatting still works');
    }
    assert(await a.locator('.author', {hasText: XSS_NAME}).count() > 0, 'the display name shows literally');
    for (const p of pages) {
      const probe = await p.evaluate(() => ({xss: window.__xss, csp: window.__csp,
        injected: document.querySelectorAll('.content img, .content script, .content svg, .author img, .topic svg, .chat-title img, .file-name img').length}));
      assert(probe.xss === 0, `${p.label}: a payload ran (__xss=${probe.xss})`);
      assert(probe.injected === 0, `${p.label}: ${probe.injected} elements were injected`);
      assert(probe.csp.length === 0, `${p.label}: CSP violations (something tried): ${probe.csp.join(', ')}`);
    }
    await shot(b, 'chat');
  });

  await step('files: an image and a file upload with progress, show as a thumbnail and a download', pages, async () => {
    await sidebarItem(a, 'plans').click();
    await a.locator('#chat-title', {hasText: '#plans'}).waitFor();
    const png = await a.evaluate(() => {
      const c = document.createElement('canvas');
      c.width = 120; c.height = 80;
      const g = c.getContext('2d');
      g.fillStyle = '#3b5bdb'; g.fillRect(0, 0, 120, 80);
      g.fillStyle = '#ffd43b'; g.fillRect(20, 20, 80, 40);
      return c.toDataURL('image/png').split(',')[1];
    });
    const input = a.locator('.chat-pane input[type=file]');
    await input.setInputFiles([
      {name: 'pixel.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64')},
      {name: XSS_FILE, mimeType: 'text/plain', buffer: Buffer.from('notes for the plan\n'.repeat(2000))},
    ]);
    await a.locator('.upload.done', {hasText: 'pixel.png'}).waitFor();
    await a.locator('.upload.done', {hasText: 'window.__xss=5'}).waitFor();
    await send(a, 'the files');
    const m = message(b, 'the files');
    await m.locator('.attachment').nth(1).waitFor();
    await until(b, () => [...document.querySelectorAll('.chat-pane img.thumb')].some(i => i.src.startsWith('blob:') && i.complete && i.naturalWidth > 0));
    const names = await m.locator('.attachment .file-name').allTextContents();
    assert(names.includes('pixel.png'), 'image listed: ' + names);
    // The server sanitises names (no < > "), the client shows whatever comes back as text.
    assert(names.some(n => n.includes('img src=x onerror=')), 'the file name shows as text: ' + names);
    assert(await m.locator('.attachment img:not(.thumb)').count() === 0, 'no element from a file name');
    const download = b.waitForEvent('download');
    await m.getByRole('button', {name: 'Download pixel.png'}).click();
    assert((await download).suggestedFilename() === 'pixel.png', 'download name');
    await shot(b, 'files');
  });

  await step('a webhook post shows the bot name with an APP tag, as text', pages, async () => {
    const posted = await a.evaluate(async ({chatId, name}) => {
      const s = JSON.parse(localStorage.getItem('parley.session'));
      const r = await fetch(`/api/v1/chats/${chatId}/webhooks`, {method: 'POST',
        headers: {Authorization: 'Bearer ' + s.accessToken, 'Content-Type': 'application/json'}, body: JSON.stringify({name: 'CI'})});
      const hook = (await r.json()).webhook;
      const p = await fetch(new URL(hook.url).pathname, {method: 'POST', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({text: 'deploy finished <b>not bold</b>', username: name})});
      return p.status;
    }, {chatId: plansId, name: XSS_BOT});
    assert(posted === 200, 'webhook post ' + posted);
    const m = message(b, 'deploy finished');
    await m.locator('.app-tag', {hasText: 'APP'}).waitFor();
    assert(await m.locator('.author').textContent() === XSS_BOT, 'bot name literal');
    const text = await m.locator('.content').textContent();
    assert(text.includes('not bold') && await m.locator('.content b').count() === 0, 'webhook text stays text: ' + text);
  });

  await step('Web Push: the service worker turns a push into a notification tagged with its chat', pages, async () => {
    const cdp = await a.context().newCDPSession(a);
    const registrations = new Map();
    cdp.on('ServiceWorker.workerRegistrationUpdated', e => { for (const r of e.registrations) registrations.set(r.scopeURL, r.registrationId); });
    await cdp.send('ServiceWorker.enable');
    await until(a, async () => !!(await navigator.serviceWorker.ready).active);
    const scope = new URL('/', a.url()).href;
    for (let i = 0; i < 50 && !registrations.has(scope); i++) await a.waitForTimeout(100);
    assert(registrations.has(scope), 'the service worker controls / (' + [...registrations.keys()] + ')');
    await cdp.send('ServiceWorker.deliverPushMessage', {origin: new URL(a.url()).origin, registrationId: registrations.get(scope),
      data: JSON.stringify({title: 'Bob in #plans', body: 'pushed while the page was closed', chatId: plansId, messageId: plansId,
        priority: 'normal', url: '/'})});
    const n = await until(a, async () => {
      const found = (await (await navigator.serviceWorker.ready).getNotifications()).find(x => x.body === 'pushed while the page was closed');
      return found ? {title: found.title, tag: found.tag, data: found.data} : null;
    });
    assert(n.title === 'Bob in #plans' && n.tag === n.data.chatId && n.data.url === '/', 'notification ' + JSON.stringify(n));
    await cdp.detach();
  });

  await step('the server restarts; a message composed offline is delivered exactly once', pages, async () => {
    await control('stop-server');
    await a.locator('.offline-banner', {hasText: "You're offline"}).waitFor({state: 'visible'});
    await b.locator('.offline-banner').waitFor({state: 'visible'});
    await send(a, 'composed while offline');
    await message(a, 'composed while offline').locator('.msg-status', {hasText: 'Waiting for connection'}).waitFor();
    // Offline search runs over the messages cached in IndexedDB and says so.
    await a.keyboard.press('Control+k');
    await a.getByRole('searchbox', {name: 'Search'}).fill('hello');
    await a.getByRole('searchbox', {name: 'Search'}).press('Enter');
    await a.locator('.results-label', {hasText: 'Offline results'}).waitFor();
    await a.locator('.result.offline', {hasText: 'hello from Olive'}).locator('mark').first().waitFor();
    await shot(a, 'offline');
    await a.keyboard.press('Escape');
    // A reload with the server down: the service worker serves the app, IndexedDB the chats and messages.
    await b.reload();
    await b.locator('.offline-banner', {hasText: "You're offline"}).waitFor({state: 'visible'});
    await sidebarItem(b, 'plans').waitFor();
    await message(b, 'hello from Olive').waitFor();
    await shot(b, 'offline-reload');
    await control('start-server');
    await until(a, () => window.parley.state.connection === 'online', undefined, 45000);
    await until(b, () => window.parley.state.connection === 'online', undefined, 45000);
    await until(a, () => !document.querySelector('.msg.state-pending, .msg.state-sending'), undefined, 20000);
    await a.locator('.offline-banner').waitFor({state: 'hidden'});
    await message(b, 'composed while offline').waitFor({timeout: 20000});
    await b.waitForTimeout(1500); // room for a duplicate to show up, if there were one
    assert(await message(b, 'composed while offline').count() === 1, 'shown once to the reader');
    assert(await message(a, 'composed while offline').count() === 1, 'shown once to the sender');
    const stored = await a.evaluate(async chatId => {
      const s = JSON.parse(localStorage.getItem('parley.session'));
      const r = await fetch(`/api/v1/chats/${chatId}/messages?limit=100`, {headers: {Authorization: 'Bearer ' + s.accessToken}});
      return (await r.json()).messages.filter(m => m.content === 'composed while offline').length;
    }, plansId);
    assert(stored === 1, `stored ${stored} times`);
  });

  await step('gap-fill: messages sent while a reader was away arrive after it reconnects', pages, async () => {
    await b.context().setOffline(true);
    await b.evaluate(() => window.parley.client.socket.ws?.close());
    await b.locator('.offline-banner').waitFor({state: 'visible'});
    await send(a, 'sent while Bob was away');
    await message(a, 'sent while Bob was away').locator('.msg-status').waitFor({state: 'detached'});
    await b.context().setOffline(false);
    await message(b, 'sent while Bob was away').waitFor({timeout: 40000});
  });

  await step('the access token is renewed over REST and on the socket, which stays up', pages, async () => {
    const before = await a.evaluate(() => window.__firstToken);
    await until(a, first => JSON.parse(localStorage.getItem('parley.session')).accessToken !== first, before, 60000);
    await send(a, 'after the token renewal');
    await message(b, 'after the token renewal').waitFor();
    assert(await a.evaluate(() => window.parley.state.connection) === 'online', 'still online');
  });

  await step('two tabs of one person renew the same session together and both stay signed in', pages, async () => {
    const a2 = await a.context().newPage();
    a2.label = 'olive-tab2';
    a2.errors = [];
    a2.on('pageerror', e => a2.errors.push(e.message));
    await a2.goto(a.url());
    await until(a2, () => window.parley?.state?.connection === 'online');
    const start = await a.evaluate(() => JSON.parse(localStorage.getItem('parley.session')).accessToken);
    // Both sockets hold the same token, so token.refresh reaches both at once; one refresh token works once.
    for (const t of [start]) {
      await until(a, first => JSON.parse(localStorage.getItem('parley.session')).accessToken !== first, t, 40000);
    }
    await a2.waitForTimeout(1500);
    for (const p of [a, a2]) {
      assert(await p.evaluate(() => !!localStorage.getItem('parley.session') && window.parley.state.connection === 'online'), p.label + ' signed in and online');
    }
    await a2.locator('.chat-pane .composer-input').fill('from the second tab');
    await a2.locator('.chat-pane .composer-input').press('Enter');
    await message(b, 'from the second tab').waitFor();
    assert(a2.errors.length === 0, 'second tab errors: ' + a2.errors.join('; '));
    await a2.close();
  });

  await step('the workspace switcher: create a second workspace, switch back', pages, async () => {
    await a.locator('.workspace-button').click();
    await a.getByLabel('Create a workspace').fill('Beta team');
    await a.getByRole('button', {name: 'Create', exact: true}).click();
    await a.locator('.ws-name', {hasText: 'Beta team'}).waitFor();
    await a.locator('#chat-title', {hasText: '#general'}).waitFor();
    assert(await sidebarItem(a, 'plans').count() === 0, 'only the new workspace\'s chats');
    await a.locator('.workspace-button').click();
    await a.getByRole('button', {name: 'Acme'}).click();
    await a.locator('.ws-name', {hasText: 'Acme'}).waitFor();
    await sidebarItem(a, 'plans').waitFor();
  });

  await step('a phone-width window: the sidebar is a drawer, the chat is usable', pages, async () => {
    await a.setViewportSize({width: 390, height: 780});
    await a.getByRole('button', {name: 'Show chats'}).waitFor({state: 'visible'});
    await until(a, () => document.querySelector('.sidebar').getBoundingClientRect().right <= 1);
    await shot(a, 'phone');
    await a.getByRole('button', {name: 'Show chats'}).click();
    await sidebarItem(a, 'general').click();
    await a.locator('#chat-title', {hasText: '#general'}).waitFor();
    await send(a, 'from a phone');
    await message(a, 'from a phone').waitFor();
    // The picture for README: Bob's view of #plans with the thread open, once everything settled.
    await sidebarItem(b, 'plans').click();
    await message(b, 'hi Olive, Bob here').getByRole('button', {name: /1 reply/}).click();
    await b.locator('.thread-pane article.msg', {hasText: 'replying in the thread'}).waitFor();
    await until(b, () => !document.querySelector('.toast') && !document.querySelector('.chat-item.current .badge'), undefined, 20000);
    await shot(b, 'overview');
    for (const p of pages) {
      assert(p.errors.length === 0, `${p.label}: page errors: ${p.errors.join('; ')}`);
      const probe = await p.evaluate(() => ({xss: window.__xss, csp: window.__csp}));
      assert(probe.xss === 0 && probe.csp.length === 0, `${p.label}: at the end, __xss=${probe.xss}, CSP violations: ${probe.csp}`);
    }
  });
} catch {
  process.exitCode = 1;
} finally {
  summary();
  await browser.close();
  process.exit(process.exitCode ?? 0); // stdin stays open for server control: leave explicitly
}
