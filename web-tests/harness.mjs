// A small harness for the browser tests: Debian's Chromium through playwright-core, numbered steps
// with a screenshot on failure, and a line protocol on stdin/stdout with the JUnit test that owns
// the server (WebClientBrowserTest): the script prints "@@parley:<command>" and waits for
// "<command> done" (or "<command> failed: …") on stdin.
import {chromium} from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

export const BASE = process.env.PARLEY_URL || 'http://127.0.0.1:8080';
export const SHOTS = process.env.PARLEY_SCREENSHOTS || path.resolve('screenshots');
const CHROMIUM = process.env.PARLEY_CHROMIUM || '/usr/bin/chromium';
export const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

fs.mkdirSync(SHOTS, {recursive: true});

const replies = [];
const waiters = [];
readline.createInterface({input: process.stdin}).on('line', line => {
  const w = waiters.shift();
  if (w) w(line); else replies.push(line);
});

/** Asks the JUnit side to do something to the server (stop-server, start-server); waits for it. */
export async function control(command) {
  console.log('@@parley:' + command);
  const line = replies.length ? replies.shift() : await new Promise(resolve => waiters.push(resolve));
  if (line !== command + ' done') throw new Error(`server control "${command}": ${line}`);
}

export async function launch() {
  // Playwright gives every launch a new, empty user-data-dir of its own.
  return chromium.launch({executablePath: CHROMIUM, headless: true, args: ARGS});
}

/** A new context and page that record page errors, CSP violations and the XSS canary. */
export async function newPage(browser, name, viewport = {width: 1280, height: 820}) {
  const context = await browser.newContext({viewport, baseURL: BASE});
  await context.grantPermissions(['notifications'], {origin: BASE});
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', e => { page.errors.push(e.message); console.log(`[${name}] page error: ${e.message}`); });
  page.on('console', m => { if (m.type() === 'error') console.log(`[${name}] console: ${m.text()}`); });
  await page.addInitScript(() => {
    window.__xss = 0;
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || '')));
  });
  page.setDefaultTimeout(15000);
  page.label = name;
  return page;
}

let passed = 0, failed = 0;
const started = Date.now();

/** Runs one step; a failure takes screenshots of every page and stops the run (later steps build on it). */
export async function step(name, pages, fn) {
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok ${passed + failed} - ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(`not ok ${passed + failed} - ${name}\n  ${String(e.stack || e).split('\n').slice(0, 6).join('\n  ')}`);
    for (const p of pages) {
      try { await p.screenshot({path: path.join(SHOTS, `failure-${p.label}.png`)}); } catch { /* closed */ }
      try {
        console.log(`  ${p.label}: ` + await p.evaluate(() => JSON.stringify({
          socket: window.parley.client.socket.state, connection: window.parley.state.connection,
          chat: window.parley.state.currentChatId,
          logs: [...window.parley.state.logs.values()].map(l => ({chat: l.chatId.slice(-6), loaded: l.loaded, synced: l.syncedSeq, n: l.byId.size})),
        })));
      } catch { /* no client on this page */ }
    }
    throw e;
  }
}

export function summary() {
  console.log(`browser steps: ${passed} ok, ${failed} failed, ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

export async function shot(page, name) {
  await page.screenshot({path: path.join(SHOTS, name + '.png')});
}

/**
 * Waits until fn(arg), run in the page, is truthy (fn may be async: waitForFunction would take its
 * promise for a truthy value, so this polls from here). {@return that value}
 */
export async function until(page, fn, arg, timeout = 15000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try { last = await page.evaluate(fn, arg); } catch (e) { last = e; }
    if (last && !(last instanceof Error)) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${String(fn).slice(0, 160)} (last: ${last})`);
    await new Promise(r => setTimeout(r, 50));
  }
}

export function assert(cond, message) {
  if (!cond) throw new Error('assertion failed: ' + message);
}
