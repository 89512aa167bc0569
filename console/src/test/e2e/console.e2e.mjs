// Drives the Cairn console in Debian's headless Chromium, as ConsoleBrowserTest starts it:
//   node console.e2e.mjs <console url> <execution id waiting on a callback> <id of an execution named with markup> <out dir>
// Prints one "ok: ..." line per check passed and exits 0; on the first failure prints "FAILED: ..." and exits 1.
import { chromium } from 'playwright-core';
import path from 'node:path';

const [url, orderId, markupId, outDir] = process.argv.slice(2);
if (!url || !orderId || !markupId || !outDir) {
  console.error('usage: node console.e2e.mjs <url> <order execution id> <markup execution id> <out dir>');
  process.exit(2);
}

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const ok = (what) => console.log('ok: ' + what);
const problems = [];

function expect(condition, what) {
  if (!condition) throw new Error(what);
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS, headless: true });
let exitCode = 0;
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  // A script error, a refused resource or a Content-Security-Policy violation shows up here and fails the test.
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push('console error: ' + m.text()); });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(r.status() + ' for ' + r.url()); });
  page.on('dialog', (d) => d.accept());

  // ---- the list
  await page.goto(url);
  const orderRow = page.locator(`#executions tbody tr[data-id="${orderId}"]`);
  await orderRow.waitFor();
  expect((await orderRow.locator('.status').textContent()) === 'SUSPENDED', 'the order is listed as SUSPENDED');
  ok('the list shows the waiting execution');
  const suspendedCount = await page.locator('#counts button[data-status="SUSPENDED"] b').textContent();
  expect(Number(suspendedCount) >= 1, 'the counts show a suspended execution, got ' + suspendedCount);
  ok('the status counts are shown');

  const markupRow = page.locator(`#executions tbody tr[data-id="${markupId}"]`);
  await markupRow.waitFor();
  const markupName = await markupRow.locator('td').nth(3).textContent();
  expect(markupName.includes('<script>'), 'a name holding markup is shown as text, got ' + markupName);
  ok('a name holding <script> is shown as text');

  // filters and paging
  await page.locator('#status-filter input[value="FAILED"]').check();
  await page.locator('#filters button[type="submit"]').click();
  await page.waitForFunction(() => [...document.querySelectorAll('#executions tbody .status')]
    .every((s) => s.textContent === 'FAILED'));
  expect(await orderRow.count() === 0, 'filtering on FAILED hides the suspended order');
  ok('filtering by status');
  await page.locator('#clear-filters').click();
  await orderRow.waitFor();
  await page.locator('#filters select[name="limit"]').selectOption('20');
  await page.locator('#filters button[type="submit"]').click();
  await page.waitForFunction(() => document.querySelectorAll('#executions tbody tr').length === 20);
  await page.locator('#older').click();
  await page.waitForFunction(() => document.querySelector('#page-number').textContent === 'page 2');
  const secondPage = await page.locator('#executions tbody tr').count();
  expect(secondPage >= 1, 'the second page has executions');
  await page.locator('#newer').click();
  await page.waitForFunction(() => document.querySelector('#page-number').textContent === 'page 1');
  ok('paging by cursor: 20, then ' + secondPage + ', then back');
  await page.screenshot({ path: path.join(outDir, 'console-list.png'), fullPage: false });

  // ---- one execution
  await orderRow.waitFor();
  await orderRow.locator('a').first().click();
  await page.waitForURL(/#\/executions\//);
  const events = page.locator('#events tbody tr');
  await events.first().waitFor();
  const rows = await events.count();
  const times = await page.locator('#events tbody td.time').allTextContents();
  expect(rows >= 8, 'the history has its events, got ' + rows);
  expect(times.every((t) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/.test(t)), 'every event has a time: ' + times);
  const types = await page.locator('#events tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.type));
  for (const t of ['EXECUTION_STARTED', 'STEP_FAILED', 'STEP_SUCCEEDED', 'WAIT_STARTED', 'WAIT_SUCCEEDED',
    'CALLBACK_STARTED', 'CALLBACK_HEARTBEAT', 'EXECUTION_SUSPENDED']) {
    expect(types.includes(t), 'the history has ' + t + ': ' + types);
  }
  ok('the history shows ' + rows + ' events with their times');

  const failedAttempts = await page.locator('#timeline .tl-bar.FAILED').count();
  expect(failedAttempts === 2, 'the timeline has a bar per failed attempt, got ' + failedAttempts);
  expect(await page.locator('#timeline .tl-mark').count() >= 1, 'the timeline marks the heartbeat');
  expect(await page.locator('#timeline .tl-bar.open').count() >= 1, 'the pending callback is under way');
  ok('the timeline shows each attempt, the wait, the callback and its heartbeat');
  expect(await page.locator('#tree li').count() >= 4, 'the operation tree lists the operations');
  ok('the operation tree is shown');

  // payloads on demand, shown as text and never run
  await page.locator('#with-data').check();
  await page.locator('#payloads pre').first().waitFor();
  const input = await page.locator('#payloads pre').first().textContent();
  expect(input.includes('<script>window.__cairnXss = 1</script>'), 'the input is shown as text: ' + input);
  expect(await page.evaluate(() => window.__cairnXss) === undefined, 'the payload did not run');
  expect(await page.locator('#payloads img, #events img, #tree img').count() === 0, 'no element was made of a payload');
  ok('payloads holding <script> are shown as text and never run');

  // complete the pending callback from the page
  const card = page.locator('#callbacks .callback');
  await card.waitFor();
  await page.locator('#with-data').uncheck();
  await page.waitForFunction(() => !document.querySelector('#payloads pre'));
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(outDir, 'console-callback.png'), fullPage: false });
  await page.locator('#with-data').check();
  await page.locator('#payloads pre').first().waitFor();
  await card.locator('textarea').fill('"approved from the page"');
  await page.locator('#pause').click(); // the refresh must not get in the way of what was typed: paused, then resumed
  await page.locator('#pause').click();
  await card.locator('button.complete').click();
  await page.waitForFunction(() => document.querySelector('#ex-status .status')?.textContent === 'SUCCEEDED',
    null, { timeout: 20000 });
  ok('completed the callback from the page and saw the execution SUCCEEDED');
  await page.waitForFunction(() => [...document.querySelectorAll('#events tbody tr')]
    .some((tr) => tr.dataset.type === 'EXECUTION_SUCCEEDED'));
  expect(await page.locator('#callbacks .callback').count() === 0, 'no pending callback is left');
  expect(await page.evaluate(() => window.__cairnXss) === undefined, 'still no payload ran');
  await page.screenshot({ path: path.join(outDir, 'console-execution.png'), fullPage: true });
  ok('screenshots saved in ' + outDir);

  expect(problems.length === 0, 'the page reported problems:\n  ' + problems.join('\n  '));
  ok('no script error or policy violation');
} catch (e) {
  console.log('FAILED: ' + e.message);
  if (problems.length) console.log('page problems:\n  ' + problems.join('\n  '));
  exitCode = 1;
} finally {
  await browser.close();
}
process.exit(exitCode);
