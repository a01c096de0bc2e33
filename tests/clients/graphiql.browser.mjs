// GraphiQL at ${GATEWAY_URL}/graphiql in a real browser (Debian's Chromium through playwright-core),
// with every request that would leave the machine blocked and counted as a failure:
//   - the page boots (not just "Loading..."), with no failed resource load or CSP refusal;
//   - the Documentation Explorer lists Query, and Query lists `orders`;
//   - the Headers tab is pre-filled with the page's fresh bearer token, even when localStorage
//     holds a stale token from an earlier run;
//   - running the pre-filled `Dashboard` operation shows a 12-digit order number;
//   - no token is written to localStorage.
// Screenshot: ${SCREENSHOT_DIR:-/tmp}/graphiql.png. Exit code 0 only when every check passes.

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
const screenshot = join(process.env.SCREENSHOT_DIR ?? '/tmp', 'graphiql.png');
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const STALE_TOKEN = 'stale.token.from-an-earlier-run';

const failures = [];
const blocked = [];
const consoleErrors = [];
const pageErrors = [];

function check(ok, what, detail = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? ` — ${detail}` : ''}`);
  if (!ok) failures.push(what);
  return ok;
}

/** The text of the CodeMirror 5 editor inside the first element matching `selector`. */
async function editorText(page, selector) {
  return page.evaluate((selector) => {
    const editor = document.querySelector(`${selector} .CodeMirror`);
    return editor && editor.CodeMirror ? editor.CodeMirror.getValue() : null;
  }, selector);
}

const HEADERS_EDITOR = 'section.graphiql-editor-tool .graphiql-editor:not(.hidden)';
const RESULT_EDITOR = '.graphiql-response section.result-window';

const userDataDir = await mkdtemp(join(tmpdir(), 'graphiql-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });

  // Nothing may leave the machine: abort, and remember, every request not to the loopback.
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const local = ['data:', 'blob:', 'about:'].includes(url.protocol) || LOOPBACK.has(url.hostname);
    if (local) return route.continue();
    blocked.push(url.href);
    return route.abort('blockedbyclient');
  });

  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('requestfailed', (request) => {
    consoleErrors.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
  });

  // First visit: plant a stale token where GraphiQL (ours, or any other on this origin) keeps state.
  const first = await page.goto(`${base}/graphiql`, { waitUntil: 'load' });
  check(first?.status() === 200, 'GET /graphiql answers 200', `status ${first?.status()}`);
  const csp = first?.headers()['content-security-policy'] ?? '';
  check(/script-src 'self'/.test(csp) && /connect-src 'self'/.test(csp),
    'the page has a Content-Security-Policy limiting scripts and connections to itself', csp);
  check(first?.headers()['cache-control'] === 'no-store', 'the page is Cache-Control: no-store');
  // Let the first page finish booting (schema fetched) so the reload aborts nothing in flight.
  await page.waitForSelector('.graphiql-container .graphiql-query-editor .CodeMirror', { timeout: 30_000 })
    .catch(() => {});
  await page.waitForLoadState('networkidle').catch(() => {});
  await page.evaluate((stale) => {
    const headers = JSON.stringify({ Authorization: `Bearer ${stale}` });
    const tabs = JSON.stringify({
      activeTabIndex: 0,
      tabs: [{ id: 'stale', hash: null, title: 'Stale', query: '{ __typename }', variables: null,
        headers, operationName: null, response: null }],
    });
    for (const prefix of ['', 'supportgraph:']) {
      localStorage.setItem(`${prefix}graphiql:headers`, headers);
      localStorage.setItem(`${prefix}graphiql:shouldPersistHeaders`, 'true');
      localStorage.setItem(`${prefix}graphiql:tabState`, tabs);
      localStorage.setItem(`${prefix}graphiql:query`, '{ __typename }');
    }
  }, STALE_TOKEN);
  console.log('     (planted a stale token and tab in localStorage; reloading)');

  await page.reload({ waitUntil: 'load' });
  try {
    await page.waitForSelector('.graphiql-container .graphiql-query-editor .CodeMirror', { timeout: 30_000 });
  } catch {
    // fall through: the checks below say what is missing
  }
  const loadingOnly = await page.evaluate(() => {
    const root = document.getElementById('graphiql');
    return !root || !root.querySelector('.graphiql-container');
  });
  check(!loadingOnly, 'GraphiQL renders (not just "Loading...")');

  const config = await page.evaluate(() =>
    JSON.parse(document.getElementById('graphiql-config').textContent));
  const freshToken = /Bearer (\S+?)"/.exec(config.headers ?? '')?.[1];
  check(Boolean(freshToken), 'the page config carries a pre-filled bearer token');

  const query = (await editorText(page, 'section.graphiql-query-editor')) ?? '';
  check(/query Dashboard/.test(query) && /query Inventory/.test(query) && /query GuestLookup/.test(query),
    'the editor holds the example document (Dashboard, Inventory, GuestLookup)',
    query.split('\n').find((l) => l.startsWith('query')) ?? query.slice(0, 60));

  const headers = (await editorText(page, HEADERS_EDITOR)) ?? '';
  check(headers.includes('Bearer '), 'the Headers tab is open and holds "Bearer "', headers.replace(/\s+/g, ' ').slice(0, 60));
  check(Boolean(freshToken) && headers.includes(freshToken), 'the Headers tab holds this page\'s fresh token');
  check(!headers.includes(STALE_TOKEN), 'the stale token from localStorage is not used');

  // The Documentation Explorer: Query at the root, `orders` inside it.
  await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
  const queryLink = page.locator('.graphiql-doc-explorer a.graphiql-doc-explorer-type-name', { hasText: /^Query$/ });
  try {
    await queryLink.first().waitFor({ timeout: 20_000 });
    check(true, 'the Documentation Explorer lists Query');
    await queryLink.first().click();
    const orders = page.locator('.graphiql-doc-explorer a.graphiql-doc-explorer-field-name', { hasText: /^orders$/ });
    await orders.first().waitFor({ timeout: 10_000 });
    check(true, 'Query lists the field `orders`');
  } catch (error) {
    check(false, 'the Documentation Explorer lists Query and its field `orders`', error.message.split('\n')[0]);
  }

  // Run Dashboard from the execute button's operation menu (the document has four operations).
  await page.locator('.graphiql-execute-button').click();
  const item = page.getByRole('menuitem', { name: 'Dashboard', exact: true });
  try {
    await item.waitFor({ timeout: 5_000 });
    await item.click();
  } catch {
    // No menu: GraphiQL already knew the operation from the cursor and ran it.
    console.log('     (no operation menu; the button ran the operation at the cursor)');
  }
  let result = '';
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    result = (await editorText(page, RESULT_EDITOR)) ?? '';
    if (/"orderNumber":\s*"\d{12}"/.test(result) || /"errors"/.test(result)) break;
    await page.waitForTimeout(250);
  }
  const orderNumber = /"orderNumber":\s*"(\d{12})"/.exec(result)?.[1];
  check(Boolean(orderNumber), 'running Dashboard shows an order number in the result pane',
    orderNumber ?? result.replace(/\s+/g, ' ').slice(0, 200));
  check(/"me":\s*\{/.test(result), 'the result has `me` (the token was sent)');

  const stored = await page.evaluate(() => Object.entries(localStorage));
  const leaking = stored.filter(([, value]) => freshToken && value.includes(freshToken)).map(([key]) => key);
  check(leaking.length === 0, 'the fresh token is not written to localStorage', leaking.join(', '));

  // Scroll the result to the first order, so the screenshot shows one.
  await page.evaluate((selector) => {
    const editor = document.querySelector(`${selector} .CodeMirror`)?.CodeMirror;
    const line = editor?.getValue().split('\n').findIndex((l) => l.includes('"orderNumber"'));
    if (editor && line >= 0) editor.scrollTo(null, editor.heightAtLine(Math.max(0, line - 8), 'local'));
  }, RESULT_EDITOR);
  await page.waitForTimeout(500); // CodeMirror highlights the newly visible lines
  await page.screenshot({ path: screenshot });
  console.log(`     screenshot: ${screenshot}`);
} catch (error) {
  check(false, 'the browser session ran to the end', error.stack ?? String(error));
} finally {
  await context?.close().catch(() => {});
  await rm(userDataDir, { recursive: true, force: true });
}

check(blocked.length === 0, 'no request tried to leave the machine', blocked.join(', '));
const resourceErrors = consoleErrors.filter((e) =>
  /failed to load resource|request failed|refused to|content security policy|net::err/i.test(e));
check(resourceErrors.length === 0, 'no failed resource load or CSP refusal', resourceErrors.join(' | '));
check(pageErrors.length === 0, 'no uncaught error in the page', pageErrors.join(' | '));
const otherErrors = consoleErrors.filter((e) => !resourceErrors.includes(e));
if (otherErrors.length > 0) console.log(`note: other console errors: ${otherErrors.join(' | ')}`);

if (failures.length > 0) {
  console.error(`\n${failures.length} check(s) failed: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('\nGraphiQL: every check passed');
