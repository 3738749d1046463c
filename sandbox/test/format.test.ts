import { describe, expect, it } from 'vitest';
import { parseMoneyInput, roundToCents, v2Money } from '../bigcommerce/format';

/** The sandbox's own money formatting (it shares none with the product), against written-out values. */
describe('sandbox money formatting', () => {
  it('writes ten-thousandths as V2 money strings with four decimals', () => {
    expect(v2Money(155_000)).toBe('15.5000');
    expect(v2Money(0)).toBe('0.0000');
    expect(v2Money(5)).toBe('0.0005');
    expect(v2Money(9_999)).toBe('0.9999');
    expect(v2Money(10_000)).toBe('1.0000');
    expect(v2Money(-5)).toBe('-0.0005');
    expect(v2Money(-1_234_567)).toBe('-123.4567');
    expect(v2Money(9_007_199_254_740_991)).toBe('900719925474.0991');
    expect(() => v2Money(1.5)).toThrow(RangeError);
  });

  it('reads decimal strings and numbers as ten-thousandths, a fifth decimal rounding half away from zero', () => {
    expect(parseMoneyInput('15.5')).toBe(155_000);
    expect(parseMoneyInput('15')).toBe(150_000);
    expect(parseMoneyInput(' 924.47 ')).toBe(9_244_700);
    expect(parseMoneyInput('0.00005')).toBe(1);
    expect(parseMoneyInput('0.00004999')).toBe(0);
    expect(parseMoneyInput('1.99995')).toBe(20_000);
    expect(parseMoneyInput('-1.99995')).toBe(-20_000);
    expect(parseMoneyInput('-0.00001')).toBe(0);
    expect(parseMoneyInput(19.99)).toBe(199_900);
    expect(parseMoneyInput(0.1 + 0.2)).toBe(3_000);
    expect(parseMoneyInput(-2.5)).toBe(-25_000);
    for (const bad of ['', '.5', '5.', '+1', '1e3', 'abc', '1,50']) expect(() => parseMoneyInput(bad), bad).toThrow(RangeError);
    expect(() => parseMoneyInput(Number.NaN)).toThrow(RangeError);
  });

  it('rounds ten-thousandths to whole cents, half away from zero', () => {
    expect(roundToCents(12_349)).toBe(12_300);
    expect(roundToCents(12_350)).toBe(12_400);
    expect(roundToCents(-12_350)).toBe(-12_400);
  });
});
