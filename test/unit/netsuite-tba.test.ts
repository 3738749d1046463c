import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { netSuiteAccount } from '../../connectors/erp/netsuite/auth/account';
import { hmacSignature, percentEncode, signatureBaseString, tbaAuthorization } from '../../connectors/erp/netsuite/auth/tba';

/** The header's fields, unquoted and decoded. */
function fields(header: string): Record<string, string> {
  expect(header.startsWith('OAuth ')).toBe(true);
  return Object.fromEntries(
    header
      .slice('OAuth '.length)
      .split(', ')
      .map((pair) => {
        const m = /^([a-z_]+)="([^"]*)"$/.exec(pair);
        if (!m) throw new Error(`bad header field ${pair}`);
        return [m[1]!, decodeURIComponent(m[2]!)];
      }),
  );
}

describe('TBA (OAuth 1.0a) signature', () => {
  it("builds RFC 5849's base string (section 3.4.1.1) exactly: query and body parameters, decoded then encoded, duplicates kept, sorted", () => {
    const base = signatureBaseString(
      'post',
      'http://EXAMPLE.COM:80/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b',
      {
        realm: 'Example',
        oauth_consumer_key: '9djdj82h48djs9d2',
        oauth_token: 'kkk9d7dh3k39sjv7',
        oauth_signature_method: 'HMAC-SHA1',
        oauth_timestamp: '137131201',
        oauth_nonce: '7d8f3e4a',
        oauth_signature: 'djosJKDKJSD8743243%2Fjdk33klY%3D',
      },
      [
        ['c2', ''],
        ['a3', '2 q'],
      ],
    );
    expect(base).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    );
  });

  it("reproduces RFC 5849's published HMAC-SHA1 signature (section 1.2)", () => {
    const base = signatureBaseString('GET', 'http://photos.example.net/photos?file=vacation.jpg&size=original', {
      oauth_consumer_key: 'dpf43f3p2l4k3l03',
      oauth_token: 'nnch734d00sl2jdk',
      oauth_signature_method: 'HMAC-SHA1',
      oauth_timestamp: '137131202',
      oauth_nonce: 'chapoH',
    });
    expect(hmacSignature(base, 'kd94hf93k423kf44', 'pfkkdhi9sl3r4s00', 'HMAC-SHA1')).toBe('MdpQcU8iPSUjWoN/UDMsK2sui9I=');
  });

  it("builds NetSuite's published base string (TBA flow, step one, HMAC-SHA256)", () => {
    const base = signatureBaseString(
      'POST',
      'https://1234567.restlets.api.netsuite.com/rest/requesttoken',
      {
        oauth_callback: 'https://my.example.com/TBA/?callbackRequest',
        oauth_consumer_key: '60712990bc09623786e7047c226bcb3f86d49dca0b04efc21001dc76d97a81f5',
        oauth_nonce: 'bUvpxBX93OWo0FLswq5M',
        oauth_signature_method: 'HMAC-SHA256',
        oauth_timestamp: '1575998103',
        oauth_version: '1.0',
      },
      [['role', '45678']],
    );
    expect(base).toBe(
      'POST&https%3A%2F%2F1234567.restlets.api.netsuite.com%2Frest%2Frequesttoken&oauth_callback%3Dhttps%253A%252F%252Fmy.example.com%252FTBA%252F%253FcallbackRequest%26oauth_consumer_key%3D60712990bc09623786e7047c226bcb3f86d49dca0b04efc21001dc76d97a81f5%26oauth_nonce%3DbUvpxBX93OWo0FLswq5M%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1575998103%26oauth_version%3D1.0%26role%3D45678',
    );
  });

  it('signs a SuiteQL request with HMAC-SHA256 over a base string that includes its query parameters, realm in the header only', () => {
    const account = netSuiteAccount('1234567-sb1');
    const header = tbaAuthorization(
      { realm: account.realm, consumerKey: 'ck', consumerSecret: 'cs&x', tokenId: 'tk', tokenSecret: 'ts', nowSeconds: () => 1700000000, nonce: () => 'n0nce' },
      { method: 'POST', url: 'https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/query/v1/suiteql?limit=1000&offset=0' },
    );
    const f = fields(header);
    expect(f).toMatchObject({
      realm: '1234567_SB1',
      oauth_consumer_key: 'ck',
      oauth_token: 'tk',
      oauth_signature_method: 'HMAC-SHA256',
      oauth_timestamp: '1700000000',
      oauth_nonce: 'n0nce',
      oauth_version: '1.0',
    });
    // Written out by hand, signed with node:crypto directly: the key is enc(consumer secret)&enc(token secret).
    const expectedBase =
      'POST&https%3A%2F%2F1234567-sb1.suitetalk.api.netsuite.com%2Fservices%2Frest%2Fquery%2Fv1%2Fsuiteql&limit%3D1000%26oauth_consumer_key%3Dck%26oauth_nonce%3Dn0nce%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1700000000%26oauth_token%3Dtk%26oauth_version%3D1.0%26offset%3D0';
    expect(f.oauth_signature).toBe(createHmac('sha256', 'cs%26x&ts').update(expectedBase).digest('base64'));
    expect(f.oauth_signature).toHaveLength(44); // 32 bytes, base64
  });

  it('uses a fresh nonce and the current time by default', () => {
    const opts = { realm: '1', consumerKey: 'ck', consumerSecret: 'cs', tokenId: 'tk', tokenSecret: 'ts' };
    const a = fields(tbaAuthorization(opts, { method: 'GET', url: 'https://1.suitetalk.api.netsuite.com/x' }));
    const b = fields(tbaAuthorization(opts, { method: 'GET', url: 'https://1.suitetalk.api.netsuite.com/x' }));
    expect(a.oauth_nonce).not.toBe(b.oauth_nonce);
    expect(Math.abs(Number(a.oauth_timestamp) - Date.now() / 1000)).toBeLessThan(5);
  });

  it('percent-encodes per RFC 5849 section 3.6: only unreserved characters pass, upper-case hex, UTF-8', () => {
    expect(percentEncode('AZaz09-._~')).toBe('AZaz09-._~');
    expect(percentEncode("!*'()")).toBe('%21%2A%27%28%29');
    expect(percentEncode(' +/=&?:@,;$#[]')).toBe('%20%2B%2F%3D%26%3F%3A%40%2C%3B%24%23%5B%5D');
    expect(percentEncode('é€')).toBe('%C3%A9%E2%82%AC');
    // A query value holding reserved characters is signed as its decoded value, re-encoded.
    expect(signatureBaseString('GET', 'https://h/p?q=externalId%20IS%20%22A*B(1)%22', {})).toBe('GET&https%3A%2F%2Fh%2Fp&q%3DexternalId%2520IS%2520%2522A%252AB%25281%2529%2522');
  });
});

describe('NetSuite account ids', () => {
  it('derives the host form and the realm form', () => {
    expect(netSuiteAccount('1234567-sb1')).toEqual({ host: '1234567-sb1', realm: '1234567_SB1' });
    expect(netSuiteAccount('1234567_SB1')).toEqual({ host: '1234567-sb1', realm: '1234567_SB1' });
    expect(netSuiteAccount('1234567_sb12')).toEqual({ host: '1234567-sb12', realm: '1234567_SB12' });
    expect(netSuiteAccount('1234567')).toEqual({ host: '1234567', realm: '1234567' });
    for (const bad of ['', 'abc', '1234567-sb', '1234567_RP1', '1234567.suitetalk']) expect(() => netSuiteAccount(bad)).toThrow(/digits/);
  });
});
