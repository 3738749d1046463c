import { mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { createBigCommerceSandbox, type BcSandbox, type BcSandboxOptions } from './bigcommerce/app';
import { createErpSandbox, type ErpSandbox } from './erp/app';
import type { ErpAuthOptions } from './erp/auth';
import type { ErpSandboxData } from './erp/state';
import { createOmsSandbox, type OmsSandbox, type OmsSandboxOptions } from './oms/app';
import type { OmsSandboxData } from './oms/state';
import { createCrmSandbox, type CrmSandbox, type CrmSandboxOptions } from './crm/app';
import type { CrmSandboxData } from './crm/state';
import { createMarketingSandbox, type MarketingSandbox, type MarketingSandboxOptions } from './marketing/app';
import type { MarketingSandboxData } from './marketing/state';

export interface SandboxesOptions {
  host?: string;
  bcPort?: number;
  erpPort?: number;
  /**
   * OMS (ShipStation V1 shape) port, 4030 by default. When the BigCommerce port is 0 (a test
   * asking for any free port) the OMS takes any free port too, so callers that predate the OMS
   * sandbox never collide on 4030.
   */
  omsPort?: number;
  /** Where clients reach the OMS sandbox (SHIP_NOTIFY resource URLs point there); default its listen address. */
  omsPublicUrl?: string;
  /** Folder to persist sandbox data in; in memory when unset. */
  stateDir?: string;
  bigcommerce?: Omit<BcSandboxOptions, 'data' | 'onChange'>;
  /** The ERP's bearer token in `bearer` mode (same as `erp.auth.accessToken`). */
  erpAccessToken?: string;
  /** The ERP sandbox: how it authenticates (`{auth: {mode: 'm2m' | 'tba' | 'bearer', ...}}`, erp/auth.ts). */
  erp?: { auth?: ErpAuthOptions };
  oms?: Omit<OmsSandboxOptions, 'data' | 'onChange' | 'publicUrl'>;
  /** CRM (HubSpot CRM v3 shape) port, 4060 by default (4040 is ngrok's inspector, often running beside a BigCommerce app); any free port when the BigCommerce port is 0, as for the OMS. */
  crmPort?: number;
  crm?: Omit<CrmSandboxOptions, 'data' | 'onChange'>;
  /** Marketing (Klaviyo shape) port, 4050 by default; any free port when the BigCommerce port is 0, as for the OMS. */
  marketingPort?: number;
  /** Where clients reach the marketing sandbox (its JSON:API `links` point there); default its listen address. */
  marketingPublicUrl?: string;
  marketing?: Omit<MarketingSandboxOptions, 'data' | 'onChange' | 'publicUrl'>;
}

export interface RunningSandboxes {
  bigcommerce: BcSandbox;
  erp: ErpSandbox;
  oms: OmsSandbox;
  crm: CrmSandbox;
  marketing: MarketingSandbox;
  bcUrl: string;
  erpUrl: string;
  omsUrl: string;
  crmUrl: string;
  marketingUrl: string;
  close(): Promise<void>;
}

/** Starts the BigCommerce, ERP, OMS, CRM and marketing simulators on their ports (0 = any free port, for tests). */
export async function startSandboxes(opts: SandboxesOptions = {}): Promise<RunningSandboxes> {
  const host = opts.host ?? '127.0.0.1';
  const bcStore = opts.stateDir ? jsonStore<unknown>(path.join(opts.stateDir, 'bigcommerce.json')) : undefined;
  const erpStore = opts.stateDir ? jsonStore<ErpSandboxData>(path.join(opts.stateDir, 'erp.json')) : undefined;
  const omsStore = opts.stateDir ? jsonStore<OmsSandboxData>(path.join(opts.stateDir, 'oms.json')) : undefined;
  const crmStore = opts.stateDir ? jsonStore<CrmSandboxData>(path.join(opts.stateDir, 'crm.json')) : undefined;
  const marketingStore = opts.stateDir ? jsonStore<MarketingSandboxData>(path.join(opts.stateDir, 'marketing.json')) : undefined;

  const bigcommerce = createBigCommerceSandbox({ ...opts.bigcommerce, data: bcStore?.load(), onChange: bcStore?.save });
  const oms = createOmsSandbox({ ...opts.oms, data: omsStore?.load(), onChange: omsStore?.save });
  const erp = createErpSandbox({ accessToken: opts.erpAccessToken, auth: opts.erp?.auth, data: erpStore?.load(), onChange: erpStore?.save });
  const crm = createCrmSandbox({ ...opts.crm, data: crmStore?.load(), onChange: crmStore?.save });
  const marketing = createMarketingSandbox({ ...opts.marketing, data: marketingStore?.load(), onChange: marketingStore?.save });

  const bcServer = await listen(bigcommerce.app, host, opts.bcPort ?? 4010);
  const erpServer = await listen(erp.app, host, opts.erpPort ?? 4020);
  const omsServer = await listen(oms.app, host, opts.omsPort ?? (opts.bcPort === 0 ? 0 : 4030));
  const crmServer = await listen(crm.app, host, opts.crmPort ?? (opts.bcPort === 0 ? 0 : 4060));
  const marketingServer = await listen(marketing.app, host, opts.marketingPort ?? (opts.bcPort === 0 ? 0 : 4050));
  const url = (s: Server) => {
    const a = s.address();
    return typeof a === 'object' && a ? `http://${host}:${a.port}` : '';
  };
  // SHIP_NOTIFY resource URLs must point where clients reach the sandbox, not at a request's Host.
  oms.setPublicUrl(opts.omsPublicUrl ?? url(omsServer));
  marketing.setPublicUrl(opts.marketingPublicUrl ?? url(marketingServer));
  return {
    bigcommerce,
    erp,
    oms,
    crm,
    marketing,
    bcUrl: url(bcServer),
    erpUrl: url(erpServer),
    omsUrl: url(omsServer),
    crmUrl: url(crmServer),
    marketingUrl: url(marketingServer),
    async close() {
      bigcommerce.stop();
      oms.stop();
      erp.stop();
      crm.stop();
      marketing.stop();
      bcStore?.flush();
      erpStore?.flush();
      omsStore?.flush();
      crmStore?.flush();
      marketingStore?.flush();
      await Promise.all([close(bcServer), close(erpServer), close(omsServer), close(crmServer), close(marketingServer)]);
    },
  };
}

function listen(app: import('express').Express, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new Error(`port ${port} on ${host} is already in use (another bcsync running?)`) : err);
    });
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Debounced JSON persistence: the sandbox mutates in memory and writes at most every 200 ms. */
function jsonStore<T>(file: string) {
  let pending: T | undefined;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending === undefined) return;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(pending));
    renameSync(`${file}.tmp`, file);
    pending = undefined;
  };
  return {
    load(): T | undefined {
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as T;
      } catch {
        return undefined;
      }
    },
    save: (data: T) => {
      pending = data;
      timer ??= setTimeout(flush, 200);
    },
    flush,
  };
}
