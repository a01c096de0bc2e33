import { chromium } from 'playwright-core';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const base = 'http://127.0.0.1:4000';
const dir = await mkdtemp(join(tmpdir(), 'walk-'));
const ctx = await chromium.launchPersistentContext(dir, { executablePath: '/usr/bin/chromium', headless: true,
  viewport: { width: 1440, height: 900 }, acceptDownloads: true, args: ['--no-sandbox', '--disable-gpu'] });
const page = ctx.pages()[0] ?? await ctx.newPage();
await page.goto(`${base}/graphiql`);
await page.locator('.graphiql-execute-button').waitFor({ timeout: 30000 });
await page.waitForTimeout(1000);
async function run(query, shot) {
  await page.evaluate((q) => { document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(q); }, query);
  await page.waitForTimeout(1500);
  await page.keyboard.press('Escape');
  await page.locator('.graphiql-execute-button').click();
  let text = '';
  for (let i = 0; i < 60 && !text.trim().endsWith('}'); i++) {
    await page.waitForTimeout(500);
    text = await page.evaluate(() => document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue());
  }
  await page.screenshot({ path: `/tmp/manual/${shot}.png` });
  return JSON.parse(text);
}
const found = await run(`{ invoices(filter: { reconciliation: UNMATCHED, statuses: [OPEN, IN_REVIEW] }, first: 5) { edges { node { invoiceNumber status allowedActions imageUrl reconciliation { matchedLines unmatchedLines } lines { serialNumber match } } } } }`, 'p10-1-unmatched');
const nodes = found.data.invoices.edges.map(e => e.node);
console.log('UNMATCHED', nodes.map(n => `${n.invoiceNumber}:${n.status}:${n.reconciliation.unmatchedLines}`).join(' '));
const inv = nodes.find(n => n.allowedActions.includes('START_REVIEW') || n.allowedActions.includes('DISPUTE'));
console.log('CHOSEN', inv?.invoiceNumber, inv?.status);
const pdfPage = await ctx.newPage();
const resp = await pdfPage.goto(inv.imageUrl).catch(e => null);
console.log('PDF', resp ? resp.status() + ' ' + resp.headers()['content-type'] : 'navigation did not complete (download?)');
await pdfPage.waitForTimeout(1500);
await pdfPage.screenshot({ path: '/tmp/manual/p10-2-pdf.png' });
await pdfPage.close();
if (inv.allowedActions.includes('START_REVIEW')) {
  const s = await run(`mutation { startInvoiceReview(input: { invoiceNumber: "${inv.invoiceNumber}" }) { invoice { status } userErrors { code message } } }`, 'p10-3-review');
  console.log('REVIEW', JSON.stringify(s));
}
const d = await run(`mutation { disputeInvoice(input: { invoiceNumber: "${inv.invoiceNumber}", reason: "Line bills a machine we do not have installed" }) { invoice { status disputeReason allowedActions } userErrors { code message } } }`, 'p10-4-dispute');
console.log('DISPUTE', JSON.stringify(d));
const f = await run(`mutation { forwardInvoice(input: { invoiceNumber: "${inv.invoiceNumber}", recipientEmail: "ap@example.com", message: "Disputed" }) { messageId userErrors { code message } } }`, 'p10-5-forward');
console.log('FORWARD', JSON.stringify(f));
const st = await run(`{ statements(customerNumber: "1000101", period: "2026-11") { currency openingBalance { amount } closingBalance { amount } totals { invoices { amount } creditNotes { amount } payments { amount } } } statementExport(customerNumber: "1000101", period: "2026-11", format: XLSX) { url expiresAt } }`, 'p10-6-statement');
console.log('STATEMENT', JSON.stringify(st.data.statements));
const [download] = await Promise.all([page.waitForEvent('download'), page.evaluate((u) => { const a = document.createElement('a'); a.href = u; document.body.appendChild(a); a.click(); }, st.data.statementExport.url)]);
await download.saveAs('/tmp/manual/statement.xlsx');
console.log('DOWNLOAD', download.suggestedFilename());
await ctx.close();
