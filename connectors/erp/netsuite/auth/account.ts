/**
 * NetSuite account ids come in two spellings: hyphenated and lower case in host names
 * (`1234567-sb1.suitetalk.api.netsuite.com`), underscored and upper case in the OAuth 1.0a realm
 * (`1234567_SB1`). Either is accepted; both are derived.
 */
const ACCOUNT_ID = /^(\d+)(?:[-_]sb(\d+))?$/i;

export interface NetSuiteAccount {
  /** `1234567-sb1`: the form in `https://<host>.suitetalk.api.netsuite.com`. */
  host: string;
  /** `1234567_SB1`: the TBA realm. */
  realm: string;
}

export function isNetSuiteAccountId(text: string): boolean {
  return ACCOUNT_ID.test(text);
}

export function netSuiteAccount(id: string): NetSuiteAccount {
  const match = ACCOUNT_ID.exec(id.trim());
  if (!match) throw new Error('a NetSuite account id is digits, optionally followed by _SB<n> or -sb<n> (a sandbox)');
  const [, digits, sandbox] = match;
  return sandbox === undefined ? { host: digits!, realm: digits! } : { host: `${digits}-sb${sandbox}`, realm: `${digits}_SB${sandbox}` };
}

/** `https://<account>.suitetalk.api.netsuite.com`: the REST web services' base URL. */
export function netSuiteApiUrl(account: NetSuiteAccount): string {
  return `https://${account.host}.suitetalk.api.netsuite.com`;
}

/** The OAuth 2.0 token endpoint under a REST base URL (the account's, or an override such as the sandbox). */
export function netSuiteTokenUrl(apiUrl: string): string {
  return `${apiUrl.replace(/\/+$/, '')}/services/rest/auth/oauth2/v1/token`;
}
