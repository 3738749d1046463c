import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RehearseUsageError, scenarioFromArgs } from '../../cli/rehearse/command';
import { arrivalMinutes, cumulativeOrders, peakRate, rateAt, totalOrders } from '../../cli/rehearse/curve';
import { compressedWindow, presetScenario, PRESET_NAMES, quotaOf, reserveOf, resolveScenario, ScenarioError, usablePerWindow } from '../../cli/rehearse/scenario';

const flat = [
  { minute: 0, ordersPerMinute: 60 },
  { minute: 2, ordersPerMinute: 60 },
];

describe('the sale curve (piecewise linear)', () => {
  it('interpolates between points and is zero outside them', () => {
    const curve = [
      { minute: 0, ordersPerMinute: 0 },
      { minute: 10, ordersPerMinute: 100 },
      { minute: 20, ordersPerMinute: 50 },
    ];
    expect(rateAt(curve, 5)).toBe(50);
    expect(rateAt(curve, 15)).toBe(75);
    expect(rateAt(curve, 10)).toBe(100);
    expect(rateAt(curve, -1)).toBe(0);
    expect(rateAt(curve, 21)).toBe(0);
    expect(cumulativeOrders(curve, 10)).toBe(500);
    expect(cumulativeOrders(curve, 20)).toBe(1250);
    expect(cumulativeOrders(curve, 15)).toBe(500 + 437.5);
    expect(totalOrders(curve)).toBe(1250);
    expect(peakRate(curve)).toBe(100);
  });

  it('spreads arrivals evenly on a flat rate: order i at (i + 1/2) / rate', () => {
    const at = arrivalMinutes(flat);
    expect(at).toHaveLength(120);
    expect(at[0]).toBeCloseTo(0.5 / 60, 9);
    expect(at[119]).toBeCloseTo(119.5 / 60, 9);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeCloseTo(1 / 60, 9);
  });

  it('places each order where the area under a ramp reaches i + 1/2, in order, within the curve', () => {
    const ramp = [
      { minute: 0, ordersPerMinute: 0 },
      { minute: 4, ordersPerMinute: 100 },
      { minute: 6, ordersPerMinute: 20 },
    ];
    const at = arrivalMinutes(ramp);
    expect(at).toHaveLength(totalOrders(ramp));
    at.forEach((m, i) => {
      expect(cumulativeOrders(ramp, m)).toBeCloseTo(i + 0.5, 6);
      if (i > 0) expect(m).toBeGreaterThan(at[i - 1]!);
    });
    expect(at[at.length - 1]!).toBeLessThanOrEqual(6);
    // Denser where the rate is higher: the gap at the peak is shorter than near the start.
    expect(at[1]! - at[0]!).toBeGreaterThan(at[200]! - at[199]!);
  });
});

describe('the sale description', () => {
  it('fills defaults and reads the plan quota and the pacer reserve', () => {
    const s = resolveScenario({ curve: flat });
    expect(s).toMatchObject({ plan: 'standard', headroom: 0.1, timeScale: 1, lagThresholdS: 300, linesPerOrder: 3, paidShare: 0.9 });
    expect(quotaOf(s)).toBe(150);
    expect(reserveOf(150, 0.1)).toBe(15);
    expect(reserveOf(150, 0)).toBe(1);
    expect(usablePerWindow(450, 0.1)).toBe(405);
    expect(quotaOf(resolveScenario({ curve: flat, plan: 'pro' }))).toBe(450);
  });

  it('refuses what cannot be rehearsed, naming the field', () => {
    const bad = (input: unknown, field: RegExp) => expect(() => resolveScenario(input)).toThrow(field);
    bad(
      {
        curve: [
          { minute: 1, ordersPerMinute: 5 },
          { minute: 2, ordersPerMinute: 5 },
        ],
      },
      /curve\.0\.minute: the curve starts at minute 0/,
    );
    bad(
      {
        curve: [
          { minute: 0, ordersPerMinute: 5 },
          { minute: 3, ordersPerMinute: 5 },
          { minute: 2, ordersPerMinute: 5 },
        ],
      },
      /curve\.2\.minute: minutes must increase/,
    );
    bad({ curve: flat, plan: 'enterprise' }, /quota: the enterprise plan has no fixed quota/);
    bad(
      {
        curve: [
          { minute: 0, ordersPerMinute: 0 },
          { minute: 1, ordersPerMinute: 0 },
        ],
      },
      /places no order/,
    );
    bad(
      {
        curve: [
          { minute: 0, ordersPerMinute: 5000 },
          { minute: 10, ordersPerMinute: 5000 },
        ],
      },
      /places 50000 orders/,
    );
    bad({ curve: flat, paidShare: 1.5 }, /paidShare/);
    bad({ curve: flat, surprise: true }, /surprise|Unrecognized/);
    expect(() => resolveScenario([])).toThrow(ScenarioError);
  });

  it('lets flags override a preset; a plan flag drops the quota the description gave', () => {
    const s = presetScenario('flash-sale', { plan: 'pro', timeScale: 2, lagThresholdS: 60 });
    expect(s).toMatchObject({ name: 'flash-sale', plan: 'pro', timeScale: 2, lagThresholdS: 60 });
    expect(quotaOf(resolveScenario({ curve: flat, plan: 'enterprise', quota: 900 }, { plan: 'pro' }))).toBe(450);
    expect(quotaOf(resolveScenario({ curve: flat }, { quota: 300 }))).toBe(300);
    expect(() => presetScenario('cyber-monday')).toThrow(/unknown preset cyber-monday: flash-sale, black-friday/);
  });

  it('has presets that validate, with their stated order counts', () => {
    expect(PRESET_NAMES).toEqual(['flash-sale', 'black-friday']);
    expect(totalOrders(presetScenario('flash-sale').curve)).toBe(1560);
    expect(totalOrders(presetScenario('black-friday').curve)).toBe(6600);
  });

  it('compresses the 30 s window to whole milliseconds and keeps the exact factor', () => {
    expect(compressedWindow(5)).toEqual({ windowMs: 6000, factor: 5 });
    const odd = compressedWindow(7);
    expect(odd.windowMs).toBe(4286);
    expect(odd.factor).toBeCloseTo(30000 / 4286, 9);
  });

  it('reads a YAML or JSON file from --scenario, and needs --out and one source', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rehearse-'));
    const yamlFile = path.join(dir, 'sale.yaml');
    writeFileSync(yamlFile, 'name: spring\nplan: plus\ncurve:\n  - { minute: 0, ordersPerMinute: 30 }\n  - { minute: 10, ordersPerMinute: 30 }\ncatalogSize: 50\n');
    const { scenario, out } = scenarioFromArgs(['--scenario', yamlFile, '--out', path.join(dir, 'r'), '--time-scale', '4']);
    expect(scenario).toMatchObject({ name: 'spring', plan: 'plus', catalogSize: 50, timeScale: 4 });
    expect(out).toBe(path.join(dir, 'r'));
    const jsonFile = path.join(dir, 'sale.json');
    writeFileSync(jsonFile, JSON.stringify({ curve: flat, headroom: 0 }));
    expect(scenarioFromArgs(['--scenario', jsonFile, '--out', dir]).scenario.headroom).toBe(0);
    expect(() => scenarioFromArgs(['--preset', 'flash-sale'])).toThrow(RehearseUsageError);
    expect(() => scenarioFromArgs(['--preset', 'flash-sale', '--scenario', jsonFile, '--out', dir])).toThrow(/either --preset or --scenario/);
    expect(() => scenarioFromArgs(['--preset', 'flash-sale', '--out', dir, '--plan', 'gold'])).toThrow(/--plan must be/);
    expect(() => scenarioFromArgs(['--preset', 'flash-sale', '--out', dir, '--quota', 'lots'])).toThrow(/--quota takes a number/);
    writeFileSync(jsonFile, '{ not json');
    expect(() => scenarioFromArgs(['--scenario', jsonFile, '--out', dir])).toThrow(/not valid JSON/);
  });
});
