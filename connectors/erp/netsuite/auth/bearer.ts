import type { ErpAuth } from './types';

/** `NETSUITE_AUTH=bearer`: a token configured as it is (ERP_ACCESS_TOKEN). For tests and the sandbox only. */
export function bearerAuth(accessToken: string): ErpAuth {
  const header = `Bearer ${accessToken}`;
  return { mode: 'bearer', authorization: async () => header };
}
