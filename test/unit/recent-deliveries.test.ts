import { describe, expect, it } from 'vitest';
import { RecentDeliveries } from '../../api/shared/recent-deliveries';

describe('deliveries already handed to Temporal', () => {
  it('knows a repeat until it expires', () => {
    let now = 0;
    const seen = new RecentDeliveries(1_000, 10, () => now);
    expect(seen.has('s:msg_1')).toBe(false);
    seen.add('s:msg_1');
    expect(seen.has('s:msg_1')).toBe(true);
    expect(seen.has('s:msg_2')).toBe(false);
    now = 1_000;
    expect(seen.has('s:msg_1')).toBe(false);
  });

  it('stays bounded, forgetting the oldest first', () => {
    const seen = new RecentDeliveries(60_000, 3, () => 0);
    for (const id of ['a', 'b', 'c', 'd']) seen.add(id);
    expect(seen.size).toBe(3);
    expect(seen.has('a')).toBe(false);
    expect(seen.has('d')).toBe(true);
  });
});
