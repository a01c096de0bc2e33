// GraphiQL at ${GATEWAY_URL}/graphiql in a real browser (Debian's Chromium through playwright-core):
// the example `LiveStatus` subscription runs over graphql-ws (/graphql/ws, the Headers tab's
// bearer token in connection_init), prints "subscribed", and shows the order's status change in
// the result pane when the test that runs this script advances the order in the sandbox.
// Screenshot: ${SCREENSHOT_DIR:-/tmp}/graphiql-live.png. Exit code 0 only when every check passes.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const base = (process.env.GATEWAY_URL ?? '').replace(/\/+$/, '');
if (!base) {
  console.error('GATEWAY_URL is not set (e.g. http://127.0.0.1:4000)');
  process.exit(2);
}
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const screenshot = join(process.env.SCREENSHOT_DIR ?? '/tmp', 'graphiql-live.png');
const failures = [];
const consoleErrors = [];

function check(ok, what, detail = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? ` — ${detail}` : ''}`);
  if (!ok) failures.push(what);
  return ok;
}

async function resultText(page) {
  return page.evaluate(() => {
    const editor = document.querySelector('.graphiql-response section.result-window .CodeMirror');
    return editor && editor.CodeMirror ? editor.CodeMirror.getValue() : '';
  });
}

const userDataDir = await mkdtemp(join(tmpdir(), 'graphiql-live-'));
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  await page.goto(`${base}/graphiql`);
  await page.locator('.graphiql-execute-button').waitFor({ timeout: 30_000 });
  await page.waitForTimeout(1_000);
  await page.locator('.graphiql-execute-button').click();
  await page.getByRole('menuitem', { name: 'LiveStatus', exact: true }).click();
  console.log('subscribed');
  let text = '';
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    text = await resultText(page);
    if (/orderStatusChanged|"errors"/.test(text)) break;
    await page.waitForTimeout(250);
  }
  const change = /"orderNumber":\s*"(\d{12})"[\s\S]*"status":\s*"([A-Z_]+)"/.exec(text);
  check(Boolean(change), 'the status change shows in the result pane',
    text.replace(/\s+/g, ' ').slice(0, 200));
  check(!/"errors"/.test(text), 'without errors');
  check(consoleErrors.length === 0, 'no error in the page\'s console', consoleErrors.slice(0, 3).join(' | '));
  await page.screenshot({ path: screenshot });
  console.log(`     screenshot: ${screenshot}`);
} catch (error) {
  check(false, 'the browser session ran to the end', error.message.split('\n')[0]);
} finally {
  await context?.close();
  await rm(userDataDir, { recursive: true, force: true });
}
if (failures.length > 0) {
  console.log(`\n${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('\nGraphiQL live status: every check passed');
