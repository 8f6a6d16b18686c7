import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, dueOf, isoWeekday, isPast, parisDateTime } from './paris-time';

describe('Paris calendar of the collection', () => {
  it('reads the Paris day and hour, summer and winter time', () => {
    expect(parisDateTime(new Date('2026-01-15T23:30:00Z'))).toEqual({ date: '2026-01-16', time: '00:30' });
    expect(parisDateTime(new Date('2026-07-15T21:59:00Z'))).toEqual({ date: '2026-07-15', time: '23:59' });
    expect(parisDateTime(new Date('2026-07-15T22:00:00Z'))).toEqual({ date: '2026-07-16', time: '00:00' });
  });
  it('adds days, counts days, finds Mondays', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-03-29', -1)).toBe('2026-03-28');
    expect(daysBetween('2026-01-01', '2026-03-01')).toBe(59);
    expect(isoWeekday('2026-11-23')).toBe(1);
    expect(isoWeekday('2026-11-29')).toBe(7);
  });
  it('decides lateness at the local deadline', () => {
    const due = dueOf('daily', '2026-11-20', '10:00');
    expect(isPast(due, new Date('2026-11-20T08:59:00Z'))).toBe(false); // 09:59 in Paris
    expect(isPast(due, new Date('2026-11-20T09:00:00Z'))).toBe(true); // 10:00 in Paris
    expect(dueOf('weekly', '2026-11-16', '12:00')).toEqual({ date: '2026-11-23', time: '12:00' });
  });
});
