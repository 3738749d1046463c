#!/usr/bin/env node
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startSandboxes } from './start-sandboxes';

/**
 * The five doubles alone, without the product: `npm start -w sandbox` (after `npm run build -w
 * sandbox`). Default ports and credentials; state in memory unless --data-dir is given. The
 * product's `bcsync sandbox` takes the same ports plus the store's plan, quota and credentials.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      'bc-port': { type: 'string', default: '4010' },
      'erp-port': { type: 'string', default: '4020' },
      'oms-port': { type: 'string', default: '4030' },
      'crm-port': { type: 'string', default: '4060' },
      'marketing-port': { type: 'string', default: '4050' },
      'data-dir': { type: 'string' },
    },
  });
  const port = (flag: 'bc-port' | 'erp-port' | 'oms-port' | 'crm-port' | 'marketing-port'): number => {
    const n = Number(values[flag]);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--${flag} is not a port: ${values[flag]}`);
    return n;
  };
  const sandboxes = await startSandboxes({
    host: values.host,
    bcPort: port('bc-port'),
    erpPort: port('erp-port'),
    omsPort: port('oms-port'),
    crmPort: port('crm-port'),
    marketingPort: port('marketing-port'),
    stateDir: values['data-dir'] ? path.resolve(values['data-dir']) : undefined,
  });
  console.log(
    `BigCommerce ${sandboxes.bcUrl}/stores/sandbox  ERP ${sandboxes.erpUrl}/services/rest/record/v1  OMS ${sandboxes.omsUrl}  CRM ${sandboxes.crmUrl}  marketing ${sandboxes.marketingUrl}  (state: ${values['data-dir'] ?? 'memory'})`,
  );
  const stop = () => void sandboxes.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
