/**
 * The sale's curve: orders per minute at given minutes, joined by straight lines (piecewise
 * linear), zero before the first point and after the last. Pure.
 */
export interface CurvePoint {
  minute: number;
  ordersPerMinute: number;
}

/** Orders per minute at `minute`. */
export function rateAt(curve: readonly CurvePoint[], minute: number): number {
  if (curve.length === 0 || minute < curve[0]!.minute || minute > curve[curve.length - 1]!.minute) return 0;
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1]!;
    const b = curve[i]!;
    if (minute <= b.minute) return a.ordersPerMinute + ((b.ordersPerMinute - a.ordersPerMinute) * (minute - a.minute)) / (b.minute - a.minute);
  }
  return 0;
}

/** Orders placed from the curve's start to `minute`: the area under the curve (not rounded). */
export function cumulativeOrders(curve: readonly CurvePoint[], minute: number): number {
  let total = 0;
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1]!;
    const b = curve[i]!;
    if (minute <= a.minute) break;
    const end = Math.min(minute, b.minute);
    total += ((a.ordersPerMinute + rateAt([a, b], end)) / 2) * (end - a.minute);
  }
  return total;
}

/** Orders the whole curve places (whole orders). */
export function totalOrders(curve: readonly CurvePoint[]): number {
  if (curve.length < 2) return 0;
  // The epsilon keeps 1559.9999999 from losing an order to floating point.
  return Math.floor(cumulativeOrders(curve, curve[curve.length - 1]!.minute) + 1e-9);
}

/** The highest rate on the curve, orders per minute. */
export function peakRate(curve: readonly CurvePoint[]): number {
  return Math.max(0, ...curve.map((p) => p.ordersPerMinute));
}

/**
 * When each order arrives, in minutes from the start: order i (from 0) at the minute the area
 * under the curve reaches i + 1/2, so n orders spread evenly where the rate is flat.
 */
export function arrivalMinutes(curve: readonly CurvePoint[]): number[] {
  const n = totalOrders(curve);
  const out: number[] = [];
  let before = 0; // area before the current segment
  let i = 0;
  for (let s = 1; s < curve.length && i < n; s++) {
    const a = curve[s - 1]!;
    const b = curve[s]!;
    const length = b.minute - a.minute;
    const area = ((a.ordersPerMinute + b.ordersPerMinute) / 2) * length;
    // The rate along the segment is r0 + k t; the area from its start is r0 t + k t^2 / 2.
    const r0 = a.ordersPerMinute;
    const k = (b.ordersPerMinute - a.ordersPerMinute) / length;
    while (i < n && i + 0.5 <= before + area + 1e-9) {
      const want = i + 0.5 - before;
      let t: number;
      if (Math.abs(k) < 1e-12) t = r0 > 0 ? want / r0 : 0;
      else {
        // Smallest t >= 0 with k t^2 / 2 + r0 t - want = 0 (the stable form of the quadratic root).
        const disc = Math.max(0, r0 * r0 + 2 * k * want);
        t = (2 * want) / (r0 + Math.sqrt(disc));
      }
      out.push(a.minute + Math.min(length, Math.max(0, t)));
      i++;
    }
    before += area;
  }
  return out;
}
