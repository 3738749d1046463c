import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { ReplayError, bundleWorkflowCode, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { describe, expect, inject, it } from 'vitest';
import { staticKeyring } from '../../lib/temporal/keyring';
import { ENCRYPTED_ENCODING, EncryptionCodec } from '../../lib/temporal/payload-codec';
import { FAILURE_CONVERTER_PATH } from '../../workers/temporal-connection';
import { CLEAR_HISTORIES, ENCRYPTED_HISTORIES, type HistoryPayload, payloadsOf, recordedHistories, replayOptions } from '../support/histories';
import { TEST_PAYLOAD_KEYS } from '../support/temporal';
import * as workflows from '../../workflows';
import * as withExtraTimer from './fixtures/with-extra-timer';

/**
 * Every recorded history replays against the current workflow code, through the data converter the
 * workers use (the test key): the clear ones recorded before payload encryption (the codec passes
 * clear payloads through) and the encrypted ones recorded since (test/histories/encrypted).
 */
const clear = recordedHistories(CLEAR_HISTORIES);
const encrypted = recordedHistories(ENCRYPTED_HISTORIES);
/**
 * The workflow types the workers register (every export of workflows/index.ts): each needs an
 * encrypted history here, and a changed twin in fixtures/with-extra-timer.ts.
 */
const TYPES = Object.keys(workflows).sort();

const workflowType = (history: unknown): string | undefined =>
  (history as { events?: Array<{ workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }> }).events?.[0]?.workflowExecutionStartedEventAttributes
    ?.workflowType?.name;

/** The types with no history among these (`npm run record-histories` records them: docs/testing.md). */
function typesWithoutHistory(types: readonly string[], histories: Array<{ history: unknown }>): string[] {
  const recorded = new Set(histories.map((h) => workflowType(h.history)));
  return types.filter((t) => !recorded.has(t));
}

async function replayAll(histories: Array<{ workflowId: string; history: unknown }>) {
  const failures: string[] = [];
  let replayed = 0;
  for await (const result of Worker.runReplayHistories(replayOptions(), histories)) {
    replayed++;
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  return { failures, replayed };
}

describe('recorded workflow histories replay against the current code', () => {
  it('replays every clear history (recorded before payload encryption) with the encrypting data converter', async () => {
    expect(clear.length).toBeGreaterThanOrEqual(1);
    expect(clear.every((h) => !payloadsOf(h.history).some((p) => p.encoding === ENCRYPTED_ENCODING))).toBe(true);
    const { failures, replayed } = await replayAll(clear);
    expect(failures).toEqual([]);
    expect(replayed).toBe(clear.length);
  });

  it('has an encrypted history of every workflow type workflows/index.ts exports: a new type cannot ship without one', () => {
    expect(TYPES).toContain('orderSync');
    expect(typesWithoutHistory(TYPES, encrypted), 'record one: npm run record-histories (docs/testing.md)').toEqual([]);
    // Every recording is of a type the workers still register (else it could not replay at all).
    expect(encrypted.map((h) => workflowType(h.history)).filter((t) => !TYPES.includes(t ?? ''))).toEqual([]);
    // The check can fail: a type added without a recording, or one whose recordings are gone, is named.
    expect(typesWithoutHistory([...TYPES, 'aNewWorkflow'], encrypted)).toEqual(['aNewWorkflow']);
    expect(
      typesWithoutHistory(
        TYPES,
        encrypted.filter((h) => workflowType(h.history) !== 'reconcileTick'),
      ),
    ).toEqual(['reconcileTick']);
  });

  it('replays every encrypted history, decoding with the test key', async () => {
    const { failures, replayed } = await replayAll(encrypted);
    expect(failures).toEqual([]);
    expect(replayed).toBe(encrypted.length);
  });

  it('catches a non-deterministic change in either kind, in every workflow type (the check can fail)', async () => {
    // The same workflows with one extra timer before their first step, as a careless edit would add:
    // every exported type has its changed twin, so every recorded history is checked.
    expect(Object.keys(withExtraTimer).sort()).toEqual(TYPES);
    const changed = await bundleWorkflowCode({
      workflowsPath: path.resolve(__dirname, 'fixtures/with-extra-timer.ts'),
      failureConverterPath: FAILURE_CONVERTER_PATH,
      logger: silent,
    });
    for (const { history, workflowId } of [...clear, ...encrypted]) {
      await expect(Worker.runReplayHistory({ ...replayOptions(), workflowBundle: changed }, history, workflowId), workflowId).rejects.toBeInstanceOf(DeterminismViolationError);
    }
  });
});

describe('an encrypted history is unreadable without its key', () => {
  /** Payloads the codec never sees: search attributes (kept readable for lists) and the SDK's patch markers. */
  const outsideTheCodec = (at: string) => /(^|\.)searchAttributes\.|\.details\.patch-data\./.test(at);
  const EMAIL = /[\w.+-]+@[\w-]+(\.[\w-]+)*\.[A-Za-z]{2,}\b/;

  it('every payload but search attributes and patch markers is binary/encrypted, and no shopper email shows anywhere', () => {
    for (const { workflowId, history } of encrypted) {
      const payloads = payloadsOf(history);
      expect(
        payloads.some((p) => p.encoding === ENCRYPTED_ENCODING),
        workflowId,
      ).toBe(true);
      expect(
        payloads.filter((p) => p.encoding !== ENCRYPTED_ENCODING && !outsideTheCodec(p.path)).map((p) => `${p.path}: ${p.encoding}`),
        workflowId,
      ).toEqual([]);
      const readable = [JSON.stringify(history), ...payloads.filter((p) => p.encoding !== ENCRYPTED_ENCODING).map((p) => p.data.toString('utf8'))].join('\n');
      expect(readable.match(EMAIL)?.[0], workflowId).toBeUndefined();
    }
    // The same search finds the shoppers' emails in the clear order histories: it can fail.
    const clearOrders = clear.filter((h) => workflowType(h.history) === 'orderSync');
    expect(clearOrders.length).toBeGreaterThan(0);
    for (const { workflowId, history } of clearOrders) {
      expect(
        payloadsOf(history)
          .map((p) => p.data.toString('utf8'))
          .join('\n'),
        workflowId,
      ).toMatch(EMAIL);
    }
  });

  it('does not replay without the data converter, nor with a keyring that lacks its key', async () => {
    const [first] = encrypted;
    expect(first).toBeDefined();
    const { history, workflowId } = first!;
    // Without a codec the payload converter meets binary/encrypted and fails the workflow task.
    const err = await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, workflowId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplayError);
    expect(err).not.toBeInstanceOf(DeterminismViolationError);
    // The replay error prints the start of the (encoded) failure message only: "Unknown encoding: bi…".
    expect(failureText(err)).toContain('Unknown encoding');
    // Which is the payload converter meeting an encrypted payload of this history:
    const [sealedPayload] = payloadsOf(history).filter((p) => p.encoding === ENCRYPTED_ENCODING);
    expect(() => defaultPayloadConverter.fromPayload({ metadata: encodedMetadata(sealedPayload!), data: sealedPayload!.data })).toThrow(`Unknown encoding: ${ENCRYPTED_ENCODING}`);

    // A keyring with another key: the replay fails too, and the codec names the key id it lacks (the
    // worker logs that message; the replay error carries it sealed, as every failure is).
    const testKeyId = TEST_PAYLOAD_KEYS.split(':')[0]!;
    const otherCodec = new EncryptionCodec(staticKeyring([{ id: 'another', key: Buffer.alloc(32, 7) }]));
    const wrongKey = { payloadCodecs: [otherCodec], failureConverterPath: FAILURE_CONVERTER_PATH };
    const wrong = await Worker.runReplayHistory({ ...replayOptions(), dataConverter: wrongKey }, history, workflowId).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(ReplayError);
    expect(wrong).not.toBeInstanceOf(DeterminismViolationError);
    await expect(otherCodec.decode([{ metadata: encodedMetadata(sealedPayload!), data: sealedPayload!.data }])).rejects.toThrow(
      `payload encrypted with key ${testKeyId}, which this process does not hold`,
    );

    // And with the key, the same history replays (the failures above are the key's absence).
    await Worker.runReplayHistory(replayOptions(), history, workflowId);
  });
});

/**
 * A replay failure's text: the failure converter puts the message into encoded attributes, which
 * the replay error prints as base64 (shortened); the start of it is the failure's JSON.
 */
function failureText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const encoded = [...message.matchAll(/encoded_attributes: Some\(\[([A-Za-z0-9+/=]+)/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8'));
  return [message, ...encoded].join('\n');
}

/** A payload's metadata back in bytes, as converters and codecs take it. */
function encodedMetadata(p: HistoryPayload): Record<string, Uint8Array> {
  return Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, new TextEncoder().encode(v)]));
}

const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
