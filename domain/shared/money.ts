/**
 * Money as exact decimal strings. BigCommerce V2 sends amounts as strings ("15.0000", sometimes
 * "924.47"); floats would drift when lines are summed, so arithmetic runs on integer
 * ten-thousandths and only connectors that need JSON numbers (NetSuite) convert at the edge.
 */
export type Money = string;

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** "15.5" -> 155000 (ten-thousandths). Throws on anything that is not a plain decimal. */
export function toUnits(amount: Money | number): number {
  const text = typeof amount === 'number' ? amount.toFixed(4) : amount.trim();
  const match = DECIMAL.exec(text);
  if (!match) throw new Error(`not a decimal amount: ${JSON.stringify(amount)}`);
  const [, sign, whole, fraction = ''] = match;
  // Round half away from zero at the fifth decimal, as BigCommerce's own 4-place amounts do.
  const padded = `${fraction}00000`.slice(0, 5);
  let units = Number(whole) * 10_000 + Math.floor(Number(padded) / 10);
  if (Number(padded[4]) >= 5) units += 1;
  return sign && units !== 0 ? -units : units;
}

/** 155000 -> "15.5000" */
export function fromUnits(units: number): Money {
  if (!Number.isSafeInteger(units)) throw new Error(`amount out of range: ${units}`);
  const sign = units < 0 ? '-' : '';
  const abs = Math.abs(units);
  return `${sign}${Math.floor(abs / 10_000)}.${String(abs % 10_000).padStart(4, '0')}`;
}

export const normalizeMoney = (amount: Money | number): Money => fromUnits(toUnits(amount));

export const addMoney = (...amounts: Money[]): Money => fromUnits(amounts.reduce((sum, a) => sum + toUnits(a), 0));

export const subtractMoney = (a: Money, b: Money): Money => fromUnits(toUnits(a) - toUnits(b));

/** unit price x quantity, exact. */
export const multiplyMoney = (amount: Money, quantity: number): Money => fromUnits(toUnits(amount) * quantity);

/** For APIs that take JSON numbers; exact for any amount below 2^53 ten-thousandths. */
export const moneyToNumber = (amount: Money): number => toUnits(amount) / 10_000;
