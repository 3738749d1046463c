import type { z } from 'zod';
import type { OmsShipment } from '../../../domain/orders/oms-shipment';
import type { ShipStationClient } from './client';
import { OmsError } from './errors';
import { ssShipmentList } from './schemas';
import { toOmsShipment } from './shipment-model';

/**
 * At most this many pages are read for one notification (10 x 100 shipments). A batch that has
 * more is read up to here and reported `truncated`: walking on would spend the quota every
 * process shares (40 requests a minute) on one notice.
 */
export const NOTIFICATION_MAX_PAGES = 10;
/** The page size we ask for: ShipStation's default, written out so the page cap means a number of shipments. */
export const NOTIFICATION_PAGE_SIZE = 100;
/** The most bytes of one shipments page read; a page of 100 shipments with items is far below it. */
export const NOTIFICATION_PAGE_MAX_BYTES = 5 * 1024 * 1024;
/**
 * One notification's whole read, every page and every wait for quota included. Past it the read
 * stops with an OmsError `network` (the route answers 503 and ShipStation delivers again later).
 * Not a setting yet: a named constant, overridable per call.
 */
export const NOTIFICATION_DEADLINE_MS = 25_000;
/** A batch id is digits (ShipStation's ids are integers); the bound keeps it an exact JS number. */
const BATCH_ID = /^\d{1,15}$/;

export interface NotificationShipments {
  shipments: OmsShipment[];
  /** The batch read, canonical (no leading zeros). */
  batchId: string;
  pagesRead: number;
  /** Pages ShipStation reported for the batch. */
  pages: number;
  /** True when the page cap stopped the read before the last page. */
  truncated: boolean;
}

export interface NotificationReadOptions {
  maxPages?: number;
  deadlineMs?: number;
  maxPageBytes?: number;
  /** The caller's own cancellation (a request closed early), on top of the deadline. */
  signal?: AbortSignal;
}

/**
 * A SHIP_NOTIFY webhook carries only `{resource_url, resource_type}` and no signature (FACTS.md
 * section 3): it is a hint, and the shipments are read with our own credentials. Anyone can post
 * to our endpoint, so the URL is only a carrier for a batch id: trustedShipmentsUrl keeps nothing
 * of it but that id, and every request is built by us (batchId, includeShipmentItems=true, page,
 * pageSize). Bounded: at most NOTIFICATION_MAX_PAGES pages, each at most
 * NOTIFICATION_PAGE_MAX_BYTES, within NOTIFICATION_DEADLINE_MS overall; the client never follows
 * a redirect.
 * https://docs.shipstation.com/apis/shipstation-v1/docs/models/webhook
 */
export async function shipmentsFromNotification(client: ShipStationClient, resource: string | URL, opts: NotificationReadOptions = {}): Promise<NotificationShipments> {
  const base = typeof resource === 'string' ? trustedShipmentsUrl(client, resource) : resource;
  const batchId = base.searchParams.get('batchId') ?? '';
  const maxPages = opts.maxPages ?? NOTIFICATION_MAX_PAGES;
  const deadlineMs = opts.deadlineMs ?? NOTIFICATION_DEADLINE_MS;
  const deadline = AbortSignal.timeout(deadlineMs);
  const signal = opts.signal ? AbortSignal.any([deadline, opts.signal]) : deadline;

  const shipments: OmsShipment[] = [];
  let pages = 0;
  let pagesRead = 0;
  for (let page = 1; page <= maxPages; page++) {
    const url = new URL(base);
    url.searchParams.set('includeShipmentItems', 'true'); // without it ShipStation answers without items
    url.searchParams.set('page', String(page));
    url.searchParams.set('pageSize', String(NOTIFICATION_PAGE_SIZE));
    let list: z.output<typeof ssShipmentList> | undefined;
    try {
      list = (await client.getUrl(url, ssShipmentList, { signal, maxResponseBytes: opts.maxPageBytes ?? NOTIFICATION_PAGE_MAX_BYTES })).data;
    } catch (err) {
      if (!signal.aborted) throw err;
      const why = deadline.aborted ? `the deadline of ${deadlineMs} ms passed` : 'the caller gave up';
      throw new OmsError('network', `reading SHIP_NOTIFY batch ${batchId}: ${why} after ${pagesRead} page(s)`, { method: 'GET', path: url.pathname }, { cause: err });
    }
    if (!list) break;
    pagesRead = page;
    pages = list.pages;
    shipments.push(...list.shipments.map(toOmsShipment));
    if (page >= list.pages || list.shipments.length === 0) break;
  }
  return { shipments, batchId, pagesRead, pages, truncated: pagesRead < pages };
}

/**
 * The documented shape of a SHIP_NOTIFY `resource_url`, and nothing else: the configured
 * ShipStation API's origin (scheme, host and port: credentials go there), its `/shipments`
 * resource, no user or password, and one `batchId` query parameter of digits. ShipStation's Webhook
 * model documents resource_url as the URL of "the resource that triggered the webhook", read with
 * the API's Basic credentials (https://docs.shipstation.com/apis/shipstation-v1/docs/models/webhook);
 * for SHIP_NOTIFY that resource is the shipments list of one label batch, `/shipments?batchId=<id>`
 * (FACTS.md sections 3 and 12).
 *
 * Other query parameters are dropped, not refused: ShipStation's own URLs carry some (`storeID`;
 * `includeShipmentItems=False` is reported), so refusing them would refuse genuine deliveries, and
 * since the answer is a fresh URL holding only the batch id, none of a caller's filters
 * (`shipDateStart=2000-01-01`, `pageSize`, `page`) ever reaches ShipStation. Query names are matched
 * without regard to case (ShipStation's API binds them that way), so a second `BatchID` makes the
 * URL ambiguous and is refused. The returned URL is canonical: equal URLs mean one batch, which
 * is what the webhook route de-duplicates on.
 */
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
  const batchIds = [...url.searchParams].filter(([name]) => name.toLowerCase() === 'batchid').map(([, value]) => value);
  if (batchIds.length !== 1) throw new OmsError('untrusted_url', `SHIP_NOTIFY resource_url ${where} must name exactly one batchId (it names ${batchIds.length})`);
  const batchId = batchIds[0]!;
  if (!BATCH_ID.test(batchId)) throw new OmsError('untrusted_url', `SHIP_NOTIFY resource_url ${where}: batchId ${JSON.stringify(batchId.slice(0, 40))} is not 1 to 15 digits`);
  const trusted = new URL(`${client.apiOrigin}${client.apiBasePath}/shipments`);
  trusted.searchParams.set('batchId', String(Number(batchId)));
  return trusted;
}
