// The GraphQL over HTTP audit of the `graphql-http` package (the reference implementation's
// conformance checks) against ${GATEWAY_URL}/graphql. Prints every result with its id, status and
// name; a failed MUST (status "error") fails the run; failed SHOULDs ("warn") are listed at the
// end so the README can name them.

import { auditServer } from 'graphql-http';

const base = (process.env.GATEWAY_URL ?? '').replace(/\/+$/, '');
if (!base) {
  console.error('GATEWAY_URL is not set (e.g. http://127.0.0.1:4000)');
  process.exit(2);
}
const url = `${base}/graphql`;

async function reasonOf(result) {
  if (result.status === 'ok') return '';
  let body = '';
  try {
    body = result.response ? (await result.response.text()).replace(/\s+/g, ' ').slice(0, 300) : '';
  } catch {
    // the body was read already
  }
  return `${result.reason}${body ? ` [status ${result.response.status}, body ${body}]` : ''}`;
}

console.log(`graphql-http audit of ${url}\n`);
const results = await auditServer({ url });
const label = { ok: 'ok   ', warn: 'WARN ', error: 'ERROR' };
const warnings = [];
const errors = [];
for (const result of results) {
  const reason = await reasonOf(result);
  console.log(`${label[result.status] ?? result.status} ${result.id} ${result.name}${reason ? `\n        ${reason}` : ''}`);
  if (result.status === 'warn') warnings.push({ ...result, reason });
  if (result.status === 'error') errors.push({ ...result, reason });
}

const count = (s) => results.filter((r) => r.status === s).length;
console.log(`\n${results.length} checks: ${count('ok')} ok, ${count('warn')} SHOULD warnings, ${count('error')} MUST failures`);
if (warnings.length > 0) {
  console.log('\nSHOULD warnings (not failures; list them in the README):');
  for (const w of warnings) console.log(`  - ${w.id} ${w.name}: ${w.reason}`);
}
if (errors.length > 0) {
  console.error('\nMUST failures:');
  for (const e of errors) console.error(`  - ${e.id} ${e.name}: ${e.reason}`);
  process.exit(1);
}
console.log('\ngraphql-http audit: every MUST passes');
