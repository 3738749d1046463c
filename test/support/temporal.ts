import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { inject } from 'vitest';
import { staticKeyring } from '../../lib/temporal/keyring';
import { EncryptionCodec } from '../../lib/temporal/payload-codec';
import { temporalSettings } from '../../config/temporal';
import { connectClient, connectWorkerConnection, type TemporalConfig, temporalDataConverter } from '../../workers/temporal-connection';

/**
 * The tests' payload key: every test client and worker encrypts, as production does, so a test that
 * reads a raw history sees what Temporal stores. Only tests use it (not the sandbox profile's key).
 */
export const TEST_PAYLOAD_KEYS = 'test-1:dGVzdC1wYXlsb2FkLWtleS1vbmUtMDEyMzQ1Njc4OWE=';

/** Temporal settings for a test: the shared dev server (or `address`), the test key, as the processes parse them. */
export function testTemporalConfig(overrides: Record<string, string> = {}): TemporalConfig {
  const parsed = temporalSettings.parse({ TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS, ...overrides });
  if (!parsed.ok) throw new Error(parsed.issues.join('; '));
  return parsed.value;
}

/** A client of the shared test server through the product's connection builder (so it encrypts). */
export function testClient(overrides: Record<string, string> = {}) {
  return connectClient(testTemporalConfig(overrides));
}

/** A worker connection of the shared test server through the product's connection builder. */
export function testWorkerConnection(overrides: Record<string, string> = {}) {
  return connectWorkerConnection(testTemporalConfig(overrides));
}

/** The data converter test workers pass to Worker.create (encryption with the test key). */
export function testDataConverter(overrides: Record<string, string> = {}) {
  return temporalDataConverter(testTemporalConfig(overrides));
}

/** A payload of a fetched history as the code saw it: decrypted with the test key, then parsed (json/plain). */
export async function payloadValue<T = unknown>(payload: temporal.api.common.v1.IPayload, overrides: Record<string, string> = {}): Promise<T> {
  const [clear] = await new EncryptionCodec(staticKeyring(testTemporalConfig(overrides).payloadKeys ?? [])).decode([payload as Payload]);
  return defaultPayloadConverter.fromPayload<T>(clear!);
}
