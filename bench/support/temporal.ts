import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { decodeOptionalSinglePayload } from '@temporalio/common/lib/internal-non-workflow';
import { newPayloadKeyEntry } from '../../lib/temporal/keyring';

/**
 * The payload key of one bench run: fresh each run (nothing a bench writes outlives its own dev
 * server), set as TEMPORAL_PAYLOAD_KEYS in the configuration the bench loads and hands to its
 * worker and API processes through their environment. Benches encrypt every payload as production
 * does, so their figures include the codec. Only the bench's main process imports this module: a
 * child that imported it would make a key of its own.
 */
export const BENCH_PAYLOAD_KEYS = newPayloadKeyEntry('bench');

/** A payload read from a history, decoded (decrypted) with the client's data converter. */
export async function payloadValue<T = unknown>(client: Client, payload: Payload | null | undefined): Promise<T | undefined> {
  return (await decodeOptionalSinglePayload<T>(client.options.loadedDataConverter, payload)) ?? undefined;
}
