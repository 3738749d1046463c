import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { scrubHistory } from '../../cli/replay/scrub';
import { ENCRYPTED_ENCODING } from '../../lib/temporal/payload-codec';
import { CLEAR_HISTORIES, ENCRYPTED_HISTORIES, payloadsOf, recordedHistories, replayOptions } from '../support/histories';
import { testDataConverter } from '../support/temporal';

/**
 * `bcsync history export --scrub` on every recorded history (every workflow type, clear and
 * encrypted): the scrubbed copy holds no ciphertext and none of the shoppers' emails, names, phones
 * or streets, and it still replays against the current code, so it can join the replay test set.
 */
const histories = [...recordedHistories(CLEAR_HISTORIES), ...recordedHistories(ENCRYPTED_HISTORIES)];
const codecs = testDataConverter().payloadCodecs ?? [];
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}/g;
/** Read independently of the scrubber's own list: the address fields of our order model. */
const PERSONAL = ['email', 'firstName', 'lastName', 'phone', 'street1', 'customerEmail'];

/** The decoded JSON of every payload of a history (encrypted ones opened with the test key). */
async function decodedValues(history: unknown): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const p of payloadsOf(history)) {
    const payload = { metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, new TextEncoder().encode(v)])), data: new Uint8Array(p.data) };
    let decoded = [payload];
    for (const codec of [...codecs].reverse()) decoded = (await codec.decode(decoded)) as typeof decoded;
    const text = Buffer.from(decoded[0]!.data ?? new Uint8Array()).toString('utf8');
    try {
      out.push(JSON.parse(text));
    } catch {
      out.push(text);
    }
  }
  return out;
}

function personalValues(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) personalValues(n, into);
  else if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) {
      if (PERSONAL.includes(k) && typeof v === 'string' && v.length > 2) into.add(v);
      else personalValues(v, into);
    }
  return into;
}

describe('scrubbed recorded histories', () => {
  it('hold no ciphertext and none of the personal values of the original, and replay against the current code', async () => {
    expect(histories.length).toBeGreaterThan(20);
    let withPersonalData = 0;
    const scrubbed: Array<{ workflowId: string; history: unknown }> = [];
    for (const { workflowId, history } of histories) {
      const found = personalValues(await decodedValues(history));
      if (found.size > 0) withPersonalData++;
      const { history: out } = await scrubHistory(history, codecs);
      expect(
        payloadsOf(out).filter((p) => p.encoding === ENCRYPTED_ENCODING),
        workflowId,
      ).toEqual([]);
      const text = [JSON.stringify(out), ...payloadsOf(out).map((p) => p.data.toString('utf8'))].join('\n');
      for (const value of found) expect(text.includes(value), `${workflowId}: ${value.slice(0, 3)}…`).toBe(false);
      expect(
        (text.match(EMAIL) ?? []).filter((e) => !e.endsWith('@example.com')),
        workflowId,
      ).toEqual([]);
      scrubbed.push({ workflowId, history: historyFromJSON(out) });
    }
    // Not vacuous: the order histories carry shoppers (the search above finds them in the originals).
    expect(withPersonalData).toBeGreaterThanOrEqual(10);

    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories(replayOptions(), scrubbed)) {
      replayed++;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(histories.length);
  });
});
