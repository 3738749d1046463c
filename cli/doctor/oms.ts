import type { Config } from '../../config/env';
import { ShipStationClient } from '../../connectors/oms/shipstation/client';
import { OmsError } from '../../connectors/oms/shipstation/errors';
import { ssWebhookList } from '../../connectors/oms/shipstation/schemas';
import { type Check, fail, messageOf, ok, skip } from './check';

const G = 'oms';

/**
 * Where the OMS's SHIP_NOTIFY should go: `POST /webhooks/oms` of the API whose BigCommerce route is
 * HOOKS_DESTINATION (the same API serves both), as `bcsync hooks register --oms-destination` registers it.
 */
export function omsDestination(hooksDestination: string): string {
  const url = new URL(hooksDestination);
  url.pathname = `${url.pathname.replace(/\/+$/, '').replace(/\/webhooks\/bigcommerce$/, '')}/webhooks/oms`;
  url.search = '';
  return url.toString();
}

/** The OMS: its credentials (one cheap read: the webhook list) and our SHIP_NOTIFY webhook there. */
export async function checkOms(config: Config, opts: { timeoutMs: number; fetch?: typeof fetch }): Promise<Check[]> {
  const client = new ShipStationClient({ apiUrl: config.oms.apiUrl, apiKey: config.oms.apiKey, apiSecret: config.oms.apiSecret, timeoutMs: opts.timeoutMs, fetch: opts.fetch });
  let webhooks: Array<{ WebHookID: number; HookType: string; Url: string; Active: boolean }>;
  try {
    webhooks = (await client.request({ method: 'GET', path: '/webhooks' }, ssWebhookList)).data?.webhooks ?? [];
  } catch (err) {
    const auth = err instanceof OmsError && err.kind === 'auth';
    return [
      fail(
        G,
        'oms.credentials',
        `${config.oms.apiUrl}: ${messageOf(err)}`,
        auth
          ? 'The OMS refuses the credentials: set OMS_API_KEY and OMS_API_SECRET to an API key pair of the account'
          : 'Check OMS_API_URL and that the OMS is reachable from here',
      ),
      skip(G, 'oms.webhook', 'not checked: the OMS could not be read'),
    ];
  }
  const checks: Check[] = [ok(G, 'oms.credentials', `${config.oms.apiUrl}: credentials accepted`)];
  if (!config.health.destination) {
    checks.push(
      fail(
        G,
        'oms.webhook',
        'HOOKS_DESTINATION is not set: where SHIP_NOTIFY should point is unknown',
        "Set HOOKS_DESTINATION (the API's public POST /webhooks/bigcommerce URL); the OMS webhook goes to /webhooks/oms beside it",
      ),
    );
    return checks;
  }
  const destination = omsDestination(config.health.destination);
  const withToken = new URL(destination);
  withToken.searchParams.set('token', config.oms.webhookToken);
  const atDestination = webhooks.filter((w) => w.HookType === 'SHIP_NOTIFY' && w.Url.split('?')[0] === destination);
  const exact = atDestination.find((w) => w.Url === withToken.toString());
  const register = `Run \`bcsync hooks register --destination ${config.health.destination} --oms-destination ${destination}\``;
  if (exact?.Active) checks.push(ok(G, 'oms.webhook', `SHIP_NOTIFY -> ${destination} (webhook ${exact.WebHookID})`));
  else if (exact)
    checks.push(fail(G, 'oms.webhook', `SHIP_NOTIFY -> ${destination}: webhook ${exact.WebHookID} is inactive`, `Activate it in the OMS, or remove it and ${register}`));
  else if (atDestination.length > 0)
    checks.push(
      fail(
        G,
        'oms.webhook',
        `SHIP_NOTIFY -> ${destination} is registered with another token than OMS_WEBHOOK_TOKEN (webhook ${atDestination.map((w) => w.WebHookID).join(', ')}): its notifications are refused`,
        `${register} (then remove the old webhook in the OMS)`,
      ),
    );
  else checks.push(fail(G, 'oms.webhook', `no SHIP_NOTIFY webhook to ${destination}`, register));
  return checks;
}
