/**
 * Loads one page in headless Chromium over the DevTools protocol and reports what a test asserts:
 * console errors and uncaught exceptions, every network request other than the page itself, the
 * page's text, and a PNG screenshot. Run with `node --experimental-websocket` (Node 20 has no global
 * WebSocket otherwise). Usage: node --experimental-websocket chromium-cdp.mjs CHROMIUM PAGE_URL OUT_PNG PROFILE_DIR
 * Prints one JSON line: { consoleErrors, requests, text }.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [chromium, pageUrl, outPng, profile] = process.argv.slice(2);
const child = spawn(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--remote-debugging-port=0', `--user-data-dir=${profile}`, '--window-size=1280,1800', 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
let log = '';
child.stderr.on('data', (c) => {
  log = (log + c.toString()).slice(-4000);
});
const done = (code, out) => {
  if (out !== undefined) process.stdout.write(`${JSON.stringify(out)}\n`);
  if (child.exitCode === null) child.kill('SIGTERM');
  process.exitCode = code;
  setTimeout(() => process.exit(code), 2000).unref();
};
const fail = (message) => {
  process.stderr.write(`${message}\n${log}\n`);
  done(1);
};
setTimeout(() => fail('timed out'), 60_000).unref();

/** The port Chromium chose, from the file it writes into its profile. */
async function devtoolsPort() {
  for (let i = 0; i < 300; i++) {
    try {
      const [port] = readFileSync(join(profile, 'DevToolsActivePort'), 'utf8').split('\n');
      if (port) return Number(port);
    } catch {
      // not written yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('Chromium wrote no DevToolsActivePort');
}

try {
  const port = await devtoolsPort();
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const page = targets.find((t) => t.type === 'page');
  if (page === undefined) throw new Error('no page target');
  const ws = new WebSocket(page.webSocketDebuggerUrl);
  await new Promise((r, j) => {
    ws.onopen = r;
    ws.onerror = j;
  });
  let id = 0;
  const pending = new Map();
  const consoleErrors = [];
  const requests = [];
  let loaded;
  const loadedP = new Promise((r) => {
    loaded = r;
  });
  ws.onmessage = (ev) => {
    const msg = JSON.parse(String(ev.data));
    if (msg.id !== undefined) {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) p?.reject(new Error(msg.error.message));
      else p?.resolve(msg.result);
      return;
    }
    if (msg.method === 'Runtime.consoleAPICalled' && (msg.params.type === 'error' || msg.params.type === 'assert')) consoleErrors.push(msg.params.args.map((a) => a.value ?? a.description).join(' '));
    if (msg.method === 'Runtime.exceptionThrown') consoleErrors.push(msg.params.exceptionDetails.text);
    if (msg.method === 'Log.entryAdded' && msg.params.entry.level === 'error') consoleErrors.push(msg.params.entry.text);
    if (msg.method === 'Network.requestWillBeSent') requests.push(msg.params.request.url);
    if (msg.method === 'Page.loadEventFired') loaded();
  };
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const n = ++id;
      pending.set(n, { resolve, reject });
      ws.send(JSON.stringify({ id: n, method, params }));
    });
  for (const domain of ['Page', 'Runtime', 'Log', 'Network']) await send(`${domain}.enable`);
  await send('Page.navigate', { url: pageUrl });
  await loadedP;
  // A beat for late requests (fonts, images) a page might start after its load event.
  await new Promise((r) => setTimeout(r, 500));
  const text = (await send('Runtime.evaluate', { expression: 'document.body.innerText', returnByValue: true })).result.value;
  const shot = await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true });
  writeFileSync(outPng, Buffer.from(shot.data, 'base64'));
  ws.close();
  done(0, { consoleErrors, requests: requests.filter((u) => u !== pageUrl), text });
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
