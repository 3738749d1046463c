import { describe, expect, it } from 'vitest';
import { addMoney, fromUnits, moneyToNumber, multiplyMoney, normalizeMoney, subtractMoney, toUnits } from '../../domain/shared/money';

describe('money as exact decimal strings', () => {
  it('parses BigCommerce amounts in both shapes the spec shows', () => {
    expect(toUnits('15.0000')).toBe(150_000);
    expect(toUnits('924.47')).toBe(9_244_700);
    expect(toUnits('8')).toBe(80_000);
    expect(toUnits(5.1)).toBe(51_000);
    expect(toUnits('-0.5')).toBe(-5_000);
  });

  it('rounds half away from zero at the fifth decimal', () => {
    expect(toUnits('1.00005')).toBe(10_001);
    expect(toUnits('1.00004')).toBe(10_000);
    expect(toUnits('-1.00005')).toBe(-10_001);
  });

  it('rejects what is not a decimal', () => {
    expect(() => toUnits('12,50')).toThrow(/not a decimal/);
    expect(() => toUnits('')).toThrow();
    expect(() => toUnits('1e3')).toThrow();
  });

  it('adds without float drift where numbers would drift', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(addMoney('0.1', '0.2')).toBe('0.3000');
    expect(addMoney(...Array(1000).fill('0.0100'))).toBe('10.0000');
    expect(subtractMoney('10', '10.01')).toBe('-0.0100');
    expect(multiplyMoney('19.99', 3)).toBe('59.9700');
  });

  it('formats with 4 decimals and converts to numbers exactly', () => {
    expect(fromUnits(0)).toBe('0.0000');
    expect(fromUnits(-10_001)).toBe('-1.0001');
    expect(normalizeMoney('924.47')).toBe('924.4700');
    expect(moneyToNumber('370.6900')).toBe(370.69);
  });
});
