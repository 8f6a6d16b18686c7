import { describe, expect, it } from 'vitest';
import { classesFor, classOf, mapStyles } from './levels';
import type { OverviewCommune } from '../../../shared';

const commune = (inseeCode: string, value: number | null, level: OverviewCommune['level'] = 'vert'): OverviewCommune => ({
  inseeCode,
  name: inseeCode,
  population: 1000,
  status: value === null ? 'missing' : 'answered',
  value,
  window: { sum: value ?? 0, answered: value === null ? 0 : 7, expected: 7, rate: value === null ? null : value * 100 },
  period: { sum: value ?? 0, answered: value === null ? 0 : 30, expected: 30, rate: value === null ? null : value * 100 },
  level,
  previousLevel: 'vert',
  reasons: [],
  detection: null,
});

describe('map classes', () => {
  it('keeps 0 alone and cuts positive counts at their quartiles, every value in exactly one class', () => {
    const values = [0, 0, 1, 1, 2, 3, 4, 5, 8, 13, 40];
    const classes = classesFor(values, 0);
    expect(classes[0]).toMatchObject({ label: '0', min: 0, max: 0 });
    expect(classes.length).toBeGreaterThanOrEqual(3);
    expect(classes.at(-1)!.max).toBe(Infinity);
    for (const v of values) {
      const c = classOf(v, classes);
      if (v === 0) expect(c.key).toBe('zero');
      else expect(c.key).not.toBe('zero');
    }
    // Increasing values never fall in a lower class.
    const ranks = values.map((v) => classes.indexOf(classOf(v, classes)));
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    expect(classOf(40, classes)).toBe(classes.at(-1));
  });

  it('gives a single class when every positive value is the same, and only zero when none is positive', () => {
    expect(classesFor([0, 0], 0).map((c) => c.label)).toEqual(['0']);
    const one = classesFor([3, 3, 3], 0);
    expect(one.map((c) => c.label)).toEqual(['0', '1 – 3']);
  });

  it('labels rates with one decimal', () => {
    const classes = classesFor([0.5, 1.25, 2, 7.5, 30], 1);
    expect(classes[1].label.startsWith('≤ ')).toBe(true);
    expect(classes.at(-1)!.label.startsWith('> ')).toBe(true);
  });

  it('draws "no answer" as hatching, never as the zero class, in every mode', () => {
    const list = [commune('56001', 0), commune('56002', null), commune('56003', 12, 'rouge'), commune('56004', null, 'orange')];
    for (const mode of ['count', 'rate7', 'ratePeriod'] as const) {
      const { styles } = mapStyles(list, mode);
      expect(styles.get('56001')!.key).toBe('0');
      expect(styles.get('56002')!.fill).toBe('hatch');
    }
    const { styles } = mapStyles(list, 'level');
    expect(styles.get('56002')).toEqual({ fill: 'hatch', key: 'no-answer' });
    // A commune at a level keeps its colour even without an answer that day.
    expect(styles.get('56004')!.key).toBe('orange');
    expect(styles.get('56003')!.key).toBe('rouge');
  });
});
