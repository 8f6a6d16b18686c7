import { describe, expect, test } from 'vitest';
import { formatDuration } from './rooms';
import { maxBitrateFor } from '../../../web/visio/mesh';

describe('salle virtuelle', () => {
  test('durée de présence écrite dans la main courante', () => {
    expect(formatDuration(0)).toBe('moins d’une minute');
    expect(formatDuration(59_999)).toBe('moins d’une minute');
    expect(formatDuration(12 * 60_000 + 5_000)).toBe('12 min');
    expect(formatDuration(65 * 60_000)).toBe('1 h 05');
    expect(formatDuration(26 * 3600_000 + 30 * 60_000)).toBe('26 h 30');
  });

  test('débit vidéo envoyé à chaque pair : plus bas quand la salle grandit', () => {
    const rates = [1, 2, 3, 4, 5, 6, 7].map(maxBitrateFor);
    expect(rates).toEqual([1_200_000, 800_000, 600_000, 450_000, 450_000, 300_000, 300_000]);
    // What one browser sends in all stays within a phone's 4G uplink up to six participants.
    for (let peers = 1; peers <= 5; peers++) expect(peers * maxBitrateFor(peers)).toBeLessThanOrEqual(2_250_000);
  });
});
