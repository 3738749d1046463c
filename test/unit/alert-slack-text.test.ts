import { describe, expect, it } from 'vitest';
import { escapeSlack, createControlActivities, slackAlertText } from '../../activities/monitoring/control';
import { DEV_DEFAULTS, loadConfig } from '../../config/env';
import { createLogger } from '../../lib/logger';
import type { Client } from '@temporalio/client';

describe('alerts to a Slack-compatible webhook', () => {
  it('escapes &, < and > in text from outside, so it cannot mention @channel, a user or make a link; our own bold title stays', () => {
    expect(escapeSlack('<!channel> <@U123> <https://evil.example|click> a & b > c')).toBe('&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt; a &amp; b &gt; c');
    // Already-escaped text is escaped again: it shows as written, it does not turn back into markup.
    expect(escapeSlack('&lt;!here&gt;')).toBe('&amp;lt;!here&amp;gt;');
    expect(slackAlertText({ severity: 'critical', title: 'Webhook <!here> failing', text: 'BigCommerce said: <!channel> & more' })).toBe(
      '*[CRITICAL] Webhook &lt;!here&gt; failing*\nBigCommerce said: &lt;!channel&gt; &amp; more',
    );
  });

  it('deliverAlert posts the escaped text', async () => {
    const config = loadConfig({ ...DEV_DEFAULTS, ALERT_WEBHOOK_URL: 'https://hooks.example.test/services/T/B/X' });
    const bodies: string[] = [];
    const fakeFetch = (async (_url: string | URL | Request, init?: RequestInit) => {
      bodies.push(String(init?.body));
      return new Response('ok');
    }) as typeof fetch;
    const activities = createControlActivities({ client: {} as Client, config, logger: createLogger('silent'), fetch: fakeFetch });
    const result = await activities.deliverAlert({ key: 'k', severity: 'warning', title: 'Delivery exception', text: 'store said <!channel> <@U999|boss>' });
    expect(result.channels).toEqual(['log', 'webhook']);
    expect(JSON.parse(bodies[0]!)).toEqual({ text: '*[WARNING] Delivery exception*\nstore said &lt;!channel&gt; &lt;@U999|boss&gt;' });
    expect(bodies[0]).not.toContain('<!channel>');
  });
});
