import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTemporalBinary } from '../../cli/temporal-binary';
import type { Json } from '../support/json';
import { type KnownCustomer, knownCustomer, orderFor } from '../support/known-customer';
import { eventually, freePort } from '../support/stack';

/**
 * Issue 18's browser must-show: under `bcsync dev` (what `npm start` runs), the Temporal Web UI
 * shows an order's workflow decoded through the codec server dev starts, and shows ciphertext when
 * that codec server cannot be reached or refuses the token. Headless Chromium from Debian's package
 * (`apt-get install -y chromium`), driven by playwright-core: no browser download.
 */

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[web-ui-codec] SKIPPED: ${CHROMIUM} is missing (apt-get install -y chromium): the Web UI's decoding is NOT tested`);

const CLI = path.resolve(__dirname, '../../dist/cli/bcsync.js');
const run = promisify(execFile);

const groupAlive = (pid: number): boolean => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

let child: ChildProcess | undefined;
let exited: Promise<number | null> | undefined;
let browser: Browser | undefined;
let output = '';
const ports = { temporal: 0, ui: 0, api: 0, bc: 0, erp: 0, oms: 0, codec: 0 };
let dataDir = '';
const shots = mkdtempSync(path.join(os.tmpdir(), 'bcsync-web-ui-'));

const c: KnownCustomer = knownCustomer();
let workflowId = '';
let runId = '';
/** The Activity Task Completed event of the order's fetch: its result is the order, customer included. */
let fetchedEventId = '';
let orderId = 0;

/** The `temporal` CLI's JSON, without a codec (nothing here can decode). */
async function temporalJson(args: string[]): Promise<Json> {
  const bin = findTemporalBinary();
  if (bin.type !== 'existing-path') throw new Error('the `temporal` CLI is needed: put it on PATH or set TEMPORAL_CLI_PATH');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_')));
  const { stdout } = await run(bin.path, [...args, '--address', `127.0.0.1:${ports.temporal}`, '-o', 'json'], {
    env: { ...env, TEMPORAL_CONFIG_FILE: '/dev/null' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout);
}

beforeAll(async () => {
  if (!hasChromium) return;
  expect(existsSync(CLI), `${CLI} is missing: npm test builds it first (npm run build)`).toBe(true);
  for (const k of Object.keys(ports) as Array<keyof typeof ports>) ports[k] = await freePort();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'bcsync-dev-ui-'));
  // The environment dev would see on a laptop: no Temporal address, keys or codec tokens of the test run.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k === 'TEMPORAL_CLI_PATH' || !/^(TEMPORAL_|CODEC_)/.test(k)));
  // Its own process group, so Ctrl-C (SIGINT to the group) reaches the whole tree, as in a terminal.
  child = spawn(
    process.execPath,
    [
      CLI,
      'dev',
      '--data-dir',
      dataDir,
      '--temporal-port',
      `${ports.temporal}`,
      '--ui-port',
      `${ports.ui}`,
      '--bc-port',
      `${ports.bc}`,
      '--erp-port',
      `${ports.erp}`,
      '--oms-port',
      `${ports.oms}`,
      '--codec-port',
      `${ports.codec}`,
    ],
    { env: { ...env, API_PORT: `${ports.api}`, LOG_LEVEL: 'warn' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const proc = child;
  exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
  await eventually(() => (output.includes('bcsync dev is up') ? true : undefined), `"bcsync dev is up" (output so far:\n${output})`, 60_000);

  const res = await fetch(`http://127.0.0.1:${ports.bc}/stores/sandbox/v2/orders`, {
    method: 'POST',
    headers: { 'x-auth-token': 'sandbox-token', 'content-type': 'application/json' },
    body: JSON.stringify(orderFor(c)),
  });
  expect(res.ok, `create order: ${res.status}`).toBe(true);
  orderId = ((await res.json()) as { id: number }).id;
  workflowId = `order:sandbox:${orderId}`;
  // The fetch's result in the raw history (activity types are not encrypted, its result is).
  fetchedEventId = await eventually(
    async () => {
      const { events } = (await temporalJson(['workflow', 'show', '-w', workflowId])) as { events: Json[] };
      const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'fetchOrderSnapshot');
      const completed = scheduled && events.find((e) => e.activityTaskCompletedEventAttributes?.scheduledEventId === scheduled.eventId);
      return completed?.eventId as string | undefined;
    },
    `the fetch of ${workflowId} in its history`,
    30_000,
  );
  runId = (await temporalJson(['workflow', 'describe', '-w', workflowId])).workflowExecutionInfo.execution.runId;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (child?.pid && groupAlive(child.pid)) process.kill(-child.pid, 'SIGKILL');
});

const workflowUrl = () => `http://127.0.0.1:${ports.ui}/namespaces/default/workflows/${encodeURIComponent(workflowId)}/${runId}/history`;

/** What a user reads on the page: the rendered text (innerText, not the DOM's textContent). */
// biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point: what the Web UI shows a user
const visibleText = (page: Page) => page.locator('body').innerText();

/** The page's visible text once `ready` holds for it (the workflow page long-polls: never idle). */
async function textWhen(page: Page, ready: (text: string) => boolean, what: string): Promise<string> {
  let last = '';
  try {
    return await eventually(
      async () => {
        last = await visibleText(page);
        return ready(last) ? last : undefined;
      },
      what,
      45_000,
    );
  } catch (err) {
    await page.screenshot({ path: path.join(shots, 'timed-out.png'), fullPage: true });
    throw new Error(`${(err as Error).message}; screenshot ${path.join(shots, 'timed-out.png')}; page text:\n${last.slice(0, 3000)}`);
  }
}

async function openPage(): Promise<{ page: Page; codecAnswers: number[]; close(): Promise<void> }> {
  const context = await browser!.newContext({ viewport: { width: 1400, height: 1800 } });
  const page = await context.newPage();
  const codecAnswers: number[] = [];
  page.on('response', (r) => {
    if (r.url().startsWith(`http://127.0.0.1:${ports.codec}/`)) codecAnswers.push(r.status());
  });
  return { page, codecAnswers, close: () => context.close() };
}

/** The customer as the fetch's result shows it at the top of its box (the shipping address is further down, scrolled). */
const shown = () => [c.email, c.firstName, c.lastName, c.billingStreet];
const everything = () => [...shown(), c.phone, c.shippingStreet];

describe.skipIf(!hasChromium)("the Temporal Web UI under `bcsync dev` shows an order's workflow decoded", () => {
  it('the workflow page shows the decoded input, through the codec endpoint dev gave the UI (token in the path)', async () => {
    const { page, codecAnswers, close } = await openPage();
    const decodes: string[] = [];
    page.on('request', (r) => {
      if (r.url().startsWith(`http://127.0.0.1:${ports.codec}/`)) decodes.push(new URL(r.url()).pathname);
    });
    try {
      await page.goto(workflowUrl(), { waitUntil: 'domcontentloaded' });
      const text = await textWhen(page, (t) => t.includes(`"orderId": ${orderId}`) && t.includes('"erpTaskQueue"'), 'the decoded input');
      expect(text).toContain('"storeHash": "sandbox"');
      await page.screenshot({ path: path.join(shots, 'workflow-decoded.png'), fullPage: true });
      // The UI called the codec server dev started, with the token dev wrote, and got answers.
      const token = readFileSync(path.join(dataDir, 'sandbox', 'codec-token'), 'utf8').trim();
      expect(decodes.length).toBeGreaterThan(0);
      expect(new Set(decodes)).toEqual(new Set([`/t/${token}/decode`]));
      expect(codecAnswers.every((s) => s === 200)).toBe(true);
    } finally {
      await close();
    }
  });

  it("the fetch's event shows the customer's email, names and billing street, decoded", async () => {
    const { page, codecAnswers, close } = await openPage();
    try {
      await page.goto(`${workflowUrl()}/events/${fetchedEventId}`, { waitUntil: 'domcontentloaded' });
      const text = await textWhen(page, (t) => t.includes(c.email), "the customer's email in the decoded fetch result");
      const shot = path.join(shots, 'fetch-event-decoded.png');
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`[web-ui-codec] screenshots in ${shots}`);
      for (const value of shown()) expect(text).toContain(value);
      expect(text).not.toContain('Codec Server could not connect');
      expect(codecAnswers.length).toBeGreaterThan(0);
      expect(codecAnswers.every((s) => s === 200)).toBe(true);
    } finally {
      await close();
    }
  });

  // The controls: the same page, the same UI, with the codec server out of the browser's reach or
  // asked with another token. The UI then shows ciphertext, and none of the customer.
  it.each([
    ['unreachable', 'the codec server does not answer'],
    ['wrong token', 'the codec server refuses the token'],
  ])('the control (%s): %s, and the page shows none of the customer', async (mode) => {
    const { page, codecAnswers, close } = await openPage();
    try {
      await page.route(`http://127.0.0.1:${ports.codec}/**`, (route) =>
        mode === 'unreachable'
          ? route.abort('connectionrefused')
          : route.continue({
              url: route
                .request()
                .url()
                .replace(/\/t\/[^/]+\//, '/t/not-the-token-dev-made-0123456789/'),
            }),
      );
      await page.goto(`${workflowUrl()}/events/${fetchedEventId}`, { waitUntil: 'domcontentloaded' });
      const text = await textWhen(page, (t) => t.includes('Codec Server could not connect') && t.includes('Activity Task Completed'), 'the codec error banner');
      // Let the event's result render: what is shown then is what a user would read.
      await page.waitForTimeout(2_000);
      const settled = await visibleText(page);
      // Nor anywhere in the page's markup, hidden or not.
      const html = await page.content();
      await page.screenshot({ path: path.join(shots, `fetch-event-${mode.replace(' ', '-')}.png`), fullPage: true });
      for (const value of everything()) {
        expect(text).not.toContain(value);
        expect(settled).not.toContain(value);
        expect(html).not.toContain(value);
      }
      expect(settled).toContain('fetchOrderSnapshot');
      if (mode === 'wrong token') {
        expect(codecAnswers.length).toBeGreaterThan(0);
        expect(codecAnswers.every((s) => s === 401)).toBe(true);
      } else expect(codecAnswers).toEqual([]);
    } finally {
      await close();
    }
  });

  it('Ctrl-C stops dev, the codec server with it', async () => {
    process.kill(-child!.pid!, 'SIGINT');
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000))]);
    expect(code).toBe(0);
    await eventually(() => (groupAlive(child!.pid!) ? undefined : true), 'every process of the group to exit', 10_000);
    await expect(fetch(`http://127.0.0.1:${ports.codec}/healthz`)).rejects.toThrow();
  });
});
