import type { OmsShipment } from '../../../domain/orders/oms-shipment';
import type { ShipStationClient } from './client';
import { OmsError } from './errors';
import { ssShipmentList } from './schemas';
import { toOmsShipment } from './shipment-model';

/**
 * A SHIP_NOTIFY webhook carries only `{resource_url, resource_type}` and no signature (FACTS.md
 * section 3): it is a hint, and the shipments are fetched from resource_url with our own
 * credentials. Because anyone can post to our webhook endpoint, the URL is checked first: it must
 * be the configured ShipStation API's origin (scheme, host and port) and its /shipments resource,
 * or a forged notice could make us send the API key and secret to a host of its choosing.
 * `includeShipmentItems=true` is added: without it ShipStation answers without items.
 * https://docs.shipstation.com/apis/shipstation-v1/docs/models/webhook
 */
export async function shipmentsFromNotification(client: ShipStationClient, resourceUrl: string): Promise<OmsShipment[]> {
  const url = trustedShipmentsUrl(client, resourceUrl);
  url.searchParams.set('includeShipmentItems', 'true');
  const shipments: OmsShipment[] = [];
  for (let page = 1; ; page++) {
    // A big label batch spans pages; the URL names the batch, the page is ours to walk.
    if (page > 1) url.searchParams.set('page', String(page));
    const res = await client.getUrl(url, ssShipmentList);
    const list = res.data;
    if (!list) break;
    shipments.push(...list.shipments.map(toOmsShipment));
    if (page >= list.pages) break;
  }
  return shipments;
}

export function trustedShipmentsUrl(client: ShipStationClient, resourceUrl: string): URL {
  let url: URL;
  try {
    url = new URL(resourceUrl);
  } catch {
    throw new OmsError('untrusted_url', `SHIP_NOTIFY resource_url is not a URL: ${JSON.stringify(resourceUrl.slice(0, 200))}`);
  }
  const where = `${url.origin}${url.pathname}`;
  if (url.origin !== client.apiOrigin) throw new OmsError('untrusted_url', `SHIP_NOTIFY resource_url ${where} is not on the ShipStation API (${client.apiOrigin})`);
  if (url.username || url.password) throw new OmsError('untrusted_url', `SHIP_NOTIFY resource_url ${where} carries credentials`);
  if (url.pathname.replace(/\/+$/, '') !== `${client.apiBasePath}/shipments`) throw new OmsError('untrusted_url', `SHIP_NOTIFY resource_url ${where} is not a shipments resource`);
  return url;
}
