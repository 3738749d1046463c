/**
 * What the product's development commands use of the sandbox: `bcsync dev`, `bcsync demo`,
 * `bcsync sandbox` and `bcsync rehearse` load this module lazily (inside the command), so the
 * production `bcsync worker` and `bcsync api` never load any of it. Tests and benches reach the
 * doubles' internals by their own paths.
 */
export { startSandboxes, type RunningSandboxes, type SandboxesOptions } from './start-sandboxes';
export { createDemoOrders, demoOrderBody } from './demo-orders';
export { seededRandom } from './random';
export { createBigCommerceSandbox, DEFAULT_STORE_HASH, DEFAULT_TOKEN, type BcSandbox, type BcSandboxOptions } from './bigcommerce/app';
export { PLAN_QUOTAS } from './bigcommerce/rate-limiter';
export { productDefaults, variantDefaults, type ProductCore, type VariantCore } from './bigcommerce/catalog-defaults';
export { createErpSandbox, DEFAULT_ERP_TOKEN, type ErpSandbox } from './erp/app';
export {
  DEFAULT_ERP_ACCOUNT_ID,
  DEFAULT_M2M_CERTIFICATE_ID,
  DEFAULT_M2M_CLIENT_ID,
  DEFAULT_TBA,
  ERP_AUTH_MODES,
  type ErpAuthMode,
  type ErpAuthOptions,
} from './erp/auth';
export type { M2mCertificate } from './erp/auth-m2m';
export { generateM2mCredentials, type GeneratedM2mCredentials } from './erp/m2m-keys';
export { ERP_TOKEN_HEADER, type ErpEvent } from './erp/events';
export { createOmsSandbox, DEFAULT_OMS_API_KEY, DEFAULT_OMS_API_SECRET, type OmsSandbox, type OmsSandboxOptions } from './oms/app';
export { createCrmSandbox, DEFAULT_CRM_TOKEN, type CrmSandbox, type CrmSandboxOptions } from './crm/app';
export { signatureV3 as hubSpotSignatureV3, type HubSpotWebhookEvent } from './crm/webhooks';
export { createMarketingSandbox, DEFAULT_KLAVIYO_API_KEY, type MarketingSandbox, type MarketingSandboxOptions } from './marketing/app';
