import { describe, expect, test } from 'vitest';
import { formatTime, fromParisInput, parisDayRange, toParisInput } from './index';

describe('heure de Paris pour les champs datetime-local', () => {
  test('hiver (UTC+1) et été (UTC+2)', () => {
    expect(fromParisInput('2025-11-25T14:32')).toBe('2025-11-25T13:32:00.000Z');
    expect(fromParisInput('2025-07-14T22:00')).toBe('2025-07-14T20:00:00.000Z');
    expect(toParisInput('2025-11-25T13:32:00.000Z')).toBe('2025-11-25T14:32');
    expect(toParisInput('2025-07-14T20:00:00Z')).toBe('2025-07-14T22:00');
    expect(formatTime('2025-07-14T20:00:00Z')).toBe('22:00');
  });

  test('changements d’heure', () => {
    // 30 mars 2025 : 02:00 → 03:00 ; 26 octobre 2025 : 03:00 → 02:00.
    expect(fromParisInput('2025-03-30T01:30')).toBe('2025-03-30T00:30:00.000Z');
    expect(fromParisInput('2025-03-30T03:30')).toBe('2025-03-30T01:30:00.000Z');
    expect(fromParisInput('2025-10-26T04:00')).toBe('2025-10-26T03:00:00.000Z');
    for (const iso of ['2025-03-30T00:59:00.000Z', '2025-03-30T01:00:00.000Z', '2025-10-26T01:30:00.000Z']) {
      expect(fromParisInput(toParisInput(iso))).toBe(iso);
    }
  });

  test('valeurs invalides et journées', () => {
    expect(fromParisInput('')).toBeNull();
    expect(fromParisInput('25/11/2025 14:32')).toBeNull();
    expect(parisDayRange('2025-11-25')).toEqual({ from: '2025-11-24T23:00:00.000Z', to: '2025-11-25T22:59:59.999Z' });
    expect(parisDayRange('hier')).toBeNull();
  });
});
