import type { Connection } from '@temporalio/client';
import { ALL_SEARCH_ATTRIBUTES } from '../../domain/shared/search-attributes';
import type { Config } from '../../config/env';
import { INDEXED_TYPE } from '../../workers/search-attributes';
import { connectClient } from '../../workers/temporal-connection';
import { type Check, fail, messageOf, ok, skip, withDeadline } from './check';

const G = 'temporal';

/** gRPC NOT_FOUND, as the Temporal frontend answers for a namespace it does not have. */
const GRPC_NOT_FOUND = 5;

/**
 * Temporal: the frontend answers within the deadline, the namespace exists, and every search
 * attribute the workflows set is registered with its type (a workflow that upserts an unregistered
 * one fails its task). Read-only: `bcsync worker` registers missing attributes, the doctor does not.
 */
export async function checkTemporal(config: Config, opts: { timeoutMs: number }): Promise<Check[]> {
  const t = config.temporal;
  let connection: Connection;
  let close: () => Promise<void>;
  try {
    ({ connection, close } = await withDeadline(opts.timeoutMs, 'connect', () => connectClient(t, { connectTimeoutMs: opts.timeoutMs })));
  } catch (err) {
    return [
      fail(
        G,
        'temporal.reachable',
        `${t.address}: ${messageOf(err)}`,
        'Start Temporal or set TEMPORAL_ADDRESS (and TEMPORAL_TLS, TEMPORAL_TLS_* for mTLS, TEMPORAL_API_KEY for Temporal Cloud) to its frontend',
      ),
      skip(G, 'temporal.namespace', 'not checked: Temporal is not reachable'),
      skip(G, 'temporal.search-attributes', 'not checked: Temporal is not reachable'),
    ];
  }
  const checks: Check[] = [ok(G, 'temporal.reachable', `${t.address}${t.tls ? ' (TLS)' : ''}`)];
  try {
    const deadline = () => Date.now() + opts.timeoutMs;
    try {
      await connection.withDeadline(deadline(), () => connection.workflowService.describeNamespace({ namespace: t.namespace }));
      checks.push(ok(G, 'temporal.namespace', t.namespace));
    } catch (err) {
      const notFound = (err as { code?: unknown }).code === GRPC_NOT_FOUND;
      checks.push(
        fail(
          G,
          'temporal.namespace',
          notFound ? `namespace ${t.namespace} does not exist` : `${t.namespace}: ${messageOf(err)}`,
          notFound
            ? `Create it (\`temporal operator namespace create --namespace ${t.namespace}\`, or in Temporal Cloud) or set TEMPORAL_NAMESPACE to an existing one`
            : 'Check TEMPORAL_NAMESPACE and that the credentials (TEMPORAL_API_KEY) may describe it',
        ),
      );
      checks.push(skip(G, 'temporal.search-attributes', 'not checked: the namespace could not be read'));
      return checks;
    }
    try {
      const listed = await connection.withDeadline(deadline(), () => connection.operatorService.listSearchAttributes({ namespace: t.namespace }));
      const known: Record<string, unknown> = { ...listed.customAttributes, ...listed.systemAttributes };
      const missing = ALL_SEARCH_ATTRIBUTES.filter((k) => !(k.name in known));
      const wrongType = ALL_SEARCH_ATTRIBUTES.filter((k) => k.name in known && known[k.name] !== INDEXED_TYPE[k.type]);
      if (missing.length === 0 && wrongType.length === 0) checks.push(ok(G, 'temporal.search-attributes', ALL_SEARCH_ATTRIBUTES.map((k) => k.name).join(', ')));
      else
        checks.push(
          fail(
            G,
            'temporal.search-attributes',
            [
              missing.length ? `missing: ${missing.map((k) => `${k.name} (${k.type})`).join(', ')}` : '',
              wrongType.length ? `another type: ${wrongType.map((k) => `${k.name} (want ${k.type})`).join(', ')}` : '',
            ]
              .filter(Boolean)
              .join('; '),
            `Start \`bcsync worker\` once (it registers them), or \`temporal operator search-attribute create --namespace ${t.namespace} --name <Name> --type <Type>\` for each (Temporal Cloud: its UI or tcld)`,
          ),
        );
    } catch (err) {
      checks.push(
        fail(
          G,
          'temporal.search-attributes',
          `cannot list them: ${messageOf(err)}`,
          'Give the credentials read access to the namespace, or list them yourself with `temporal operator search-attribute list`',
        ),
      );
    }
    return checks;
  } finally {
    await close();
  }
}
