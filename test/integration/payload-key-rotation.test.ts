import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { afterAll, describe, expect, it } from 'vitest';
import type { ErpLevel } from '../../domain/inventory/levels';
import { newPayloadKeyEntry, parsePayloadKeys, staticKeyring } from '../../lib/temporal/keyring';
import { EncryptionCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, PayloadDecryptionError } from '../../lib/temporal/payload-codec';
import { temporalDataConverter } from '../../workers/temporal-connection';
import { inventoryChangesSignal, inventorySummaryQuery } from '../../workflows/inventory/inventory-sync.contract';
import { type HistoryPayload, payloadsOf, replayOptions } from '../support/histories';
import { inventoryHarness, type InventoryHarness } from '../support/inventory-harness';
import { eventually } from '../support/stack';
import { testTemporalConfig } from '../support/temporal';

/**
 * Key rotation on the real dev server: an inventorySync's history is written under key k1; then the
 * workers and the client restart with the keyring `k1,k2` (k2 encrypts, as an operator rotating
 * appends it). The new workers replay the k1 history to carry on, new payloads are sealed with k2,
 * the whole history replays and decodes; with k2 alone the k1 payloads do not decode, and the error
 * names k1.
 */
const K1 = newPayloadKeyEntry('k1');
const K2 = newPayloadKeyEntry('k2');
const settings = (keys: string) => ({ TEMPORAL_PAYLOAD_KEYS: keys });
const converter = (keys: string) => temporalDataConverter(testTemporalConfig(settings(keys)));
const codec = (keys: string) => new EncryptionCodec(staticKeyring(parsePayloadKeys(keys)));

const harnesses: InventoryHarness[] = [];
afterAll(async () => {
  for (const h of harnesses) await h.close().catch(() => undefined);
});

const t0 = Date.now() - 60_000;
const level = (sku: string, available: number): ErpLevel => ({ sku, location: '1', quantityAvailable: available, quantityOnHand: available, changedAtMs: t0 });
const keyIdOf = (p: HistoryPayload) => p.metadata[KEY_ID_METADATA];
const sealed = (payloads: HistoryPayload[]) => payloads.filter((p) => p.encoding === ENCRYPTED_ENCODING);

describe('payload key rotation', () => {
  it('a history written with k1 replays and decodes under k1,k2, new payloads carry k2, and k2 alone cannot read the k1 payloads', async () => {
    // ---- before the rotation: keys `k1` ----
    const before = await inventoryHarness(settings(K1));
    harnesses.push(before);
    const shown = { A: 9, B: 0 };
    const store = await before.startStore({}, { shown });
    await store.handle.signal(inventoryChangesSignal, { levels: [level('A', 20)] });
    expect(await eventually(() => store.writes[0], 'the write under k1', 15_000)).toEqual({ A: 19 });
    await before.close(); // its workers stopped: everything written so far was sealed with k1
    harnesses.pop();

    // ---- after: keyring `k1,k2`, k2 encrypts; new workers (no cache) replay the k1 history to go on ----
    const after = await inventoryHarness(settings(`${K1},${K2}`));
    harnesses.push(after);
    const k1History = await after.client.workflow.getHandle(store.handle.workflowId).fetchHistory();
    const k1Payloads = sealed(payloadsOf(JSON.parse(historyToJSON(k1History))));
    expect(k1Payloads.length).toBeGreaterThan(3);
    expect([...new Set(k1Payloads.map(keyIdOf))]).toEqual(['k1']);
    const same = await after.startStore({}, { shown, attachTo: store.storeHash });
    await same.handle.signal(inventoryChangesSignal, { levels: [level('B', 6)] });
    expect(await eventually(() => same.writes[0], 'the write under k1,k2', 20_000)).toEqual({ B: 5 });
    // A query answered by the new worker: its state, rebuilt from k1 payloads, carries both writes.
    const summary = await same.handle.query(inventorySummaryQuery);
    expect(summary).toBeDefined();

    const history = await same.handle.fetchHistory();
    const payloads = sealed(payloadsOf(JSON.parse(historyToJSON(history))));
    const ids = payloads.map(keyIdOf);
    expect(new Set(ids)).toEqual(new Set(['k1', 'k2']));
    // The run's first payload (its input) under k1; the signal sent after the rotation and what followed under k2.
    expect(ids[0]).toBe('k1');
    expect(ids.slice(k1Payloads.length).length).toBeGreaterThan(0);
    expect(ids.slice(k1Payloads.length).every((id) => id === 'k2')).toBe(true);

    // The whole history replays with the rotated keyring, and every payload decodes.
    await Worker.runReplayHistory({ ...replayOptions(), dataConverter: converter(`${K1},${K2}`) }, history, store.handle.workflowId);
    const opened = await codec(`${K1},${K2}`).decode(payloads.map((p) => ({ metadata: encodedMetadata(p), data: p.data })));
    expect(opened.map((p) => new TextDecoder().decode(p.metadata?.encoding))).not.toContain(ENCRYPTED_ENCODING);
    const input = JSON.parse(new TextDecoder().decode(opened[0]!.data)) as { storeHash: string };
    expect(input.storeHash).toBe(store.storeHash);

    // ---- k1 dropped too early: the k1 payloads do not decode, and the error says which key is missing ----
    const err = await codec(K2)
      .decode(payloads.filter((p) => keyIdOf(p) === 'k1').map((p) => ({ metadata: encodedMetadata(p), data: p.data })))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PayloadDecryptionError);
    expect((err as Error).message).toMatch(/encrypted with key k1, which this process does not hold/);
    expect((err as Error).message).not.toContain(K1.split(':')[1]);
    // k2's own payloads do decode with k2 alone.
    await codec(K2).decode(payloads.filter((p) => keyIdOf(p) === 'k2').map((p) => ({ metadata: encodedMetadata(p), data: p.data })));
    // And a replay with k2 alone fails (a workflow task failure, not a determinism error).
    await expect(Worker.runReplayHistory({ ...replayOptions(), dataConverter: converter(K2) }, history, store.handle.workflowId)).rejects.toThrow();

    await same.handle.terminate('test done');
  });
});

/** A payload's metadata back in bytes, as the codec takes it. */
function encodedMetadata(p: HistoryPayload): Record<string, Uint8Array> {
  return Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, new TextEncoder().encode(v)]));
}
