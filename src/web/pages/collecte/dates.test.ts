import { describe, expect, test } from 'vitest';
import { addDays, periodOf, periodsUntil } from './dates';

describe('dates de collecte', () => {
  test('jours et semaines', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(periodOf('2026-11-25', 'weekly')).toBe('2026-11-23');
    expect(periodOf('2026-11-29', 'weekly')).toBe('2026-11-23');
    expect(periodsUntil('2026-11-20', '2026-11-25', 'daily')).toEqual(['2026-11-25', '2026-11-24', '2026-11-23', '2026-11-22', '2026-11-21', '2026-11-20']);
    expect(periodsUntil('2026-11-01', '2026-11-25', 'weekly', 20)).toEqual(['2026-11-23', '2026-11-16', '2026-11-09']);
  });
});
