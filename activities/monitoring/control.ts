import type { Client } from '@temporalio/client';
import type { Config } from '../../config/env';
import type { Logger } from '../../lib/logger';
import { alertsSent } from '../../lib/metrics';
import type { Alert } from '../../domain/monitoring/alert';
import { collect429PerMinute } from './rate-limited-rate';
import { findInventoryStalls, type InventoryStall } from '../../clients/inventory';
import { findCatalogStalls, type CatalogStall } from '../../clients/catalog';
import { findReconcileStalls, raiseAlert, type ReconcileStall, requestReconcile } from '../../clients/monitoring';
import { signalOrder } from '../../clients/orders';
import type { OrderEvent } from '../../domain/orders/order-event';
import { orderEventSignal } from '../../workflows/orders/order-sync.contract';

/**
 * Slack's control characters escaped (`&`, `<`, `>`, as Slack documents), so text from outside
 * (BigCommerce's delivery-exception messages, an ERP's or OMS's error text) cannot mention
 * `<!channel>`, a user `<@U...>` or make a link `<https://...|...>`: it shows as written.
 */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An alert as Slack-compatible `text`: our formatting (bold `[SEVERITY] title`), its words escaped. */
export function slackAlertText(alert: Pick<Alert, 'severity' | 'title' | 'text'>): string {
  return `*[${alert.severity.toUpperCase()}] ${escapeSlack(alert.title)}*\n${escapeSlack(alert.text)}`;
}

/**
 * Activities that talk to Temporal itself or to alert channels, not to a store: waking the
 * store's reconciliation, raising alerts, delivering them, reading the counts alerts are made of.
 * They run on the workflow task queue (no external rate limit applies).
 */
export function createControlActivities(deps: { client: Client; config: Config; logger: Logger; fetch?: typeof fetch }) {
  const { client, config, logger } = deps;
  return {
    /** Signal-with-start the store's reconciliation (one per store, holding its watermark). */
    async requestReconcile(storeHash: string, request: { sinceS?: number; reason: string }): Promise<void> {
      await requestReconcile(client, config, storeHash, request);
    },

    /**
     * Wakes orders whose ERP total differs from BigCommerce's (repair of ERP totals): each order's
     * workflow reads the order, writes its sales order again and checks the total. A finished
     * workflow starts a new run, which writes it as any first run does.
     */
    async rewriteErpOrders(storeHash: string, orderIds: number[]): Promise<void> {
      const nowS = Math.floor(Date.now() / 1000);
      for (const orderId of orderIds) {
        const event: OrderEvent = { scope: 'bcsync/repair', hash: `repair-erp-total:${orderId}:${nowS}`, createdAt: nowS, repair: 'erp-total' };
        await signalOrder(client, config, storeHash, orderId, orderEventSignal, [event]);
      }
    },

    /** Hands alerts to the dispatcher, which owns de-duplication and cool-down. */
    async raiseAlerts(alerts: Alert[]): Promise<void> {
      for (const alert of alerts) await raiseAlert(client, config, alert);
    },

    /** To the log always, and to the Slack-compatible webhook when one is configured. */
    async deliverAlert(alert: Alert): Promise<{ channels: string[] }> {
      const level = alert.severity === 'critical' ? 'error' : 'warn';
      logger[level]({ alert: { key: alert.key, severity: alert.severity } }, `ALERT ${alert.title}: ${alert.text}`);
      const channels = ['log'];
      if (config.alerts.webhookUrl) {
        const res = await (deps.fetch ?? fetch)(config.alerts.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: slackAlertText(alert) }),
          signal: AbortSignal.timeout(10_000),
        });
        // A channel that refuses is retried by Temporal: an alert is worth the wait.
        if (!res.ok) throw new Error(`alert webhook answered ${res.status}`);
        channels.push('webhook');
      }
      alertsSent.inc({ severity: alert.severity });
      return { channels };
    },

    /** The figures alerts are made of: parked orders, recent failures, the 429 rate. */
    async measureHealth(sinceMs: number): Promise<{
      parked: number;
      failed: number;
      rateLimitedPerMinute: number;
      inventoryStalled: InventoryStall[];
      catalogStalled: CatalogStall[];
      reconcileStalled: ReconcileStall[];
    }> {
      const sinceIso = new Date(sinceMs).toISOString();
      const parked = await client.workflow.count(
        `WorkflowType IN ("orderSync", "refundSync", "catalogSync", "erpRefundSync", "inventorySync") AND ExecutionStatus = "Running" AND BcSyncStatus = "NeedsAttention"`,
      );
      const failed = await client.workflow.count(`ExecutionStatus = "Failed" AND CloseTime > "${sinceIso}"`);
      const stores = config.stores.map((s) => s.storeHash);
      // All at once: each waits up to 5 s for a workflow that does not answer; the activity has a minute.
      const [inventoryStalled, catalogStalled, reconcileStalled] = await Promise.all([
        config.inventory.enabled ? findInventoryStalls(client, stores, { stallAfterMs: config.inventory.stallAfterMs }) : [],
        findCatalogStalls(client, stores, { stallAfterMs: config.catalog.stallAfterMs }),
        findReconcileStalls(client, stores, { stallAfterMs: config.reconcile.stallAfterMs }),
      ]);
      return {
        parked: parked.count,
        failed: failed.count,
        rateLimitedPerMinute: await collect429PerMinute(config.alerts.scrapeUrls, deps.fetch),
        inventoryStalled,
        catalogStalled,
        reconcileStalled,
      };
    },
  };
}

export type ControlActivities = ReturnType<typeof createControlActivities>;
