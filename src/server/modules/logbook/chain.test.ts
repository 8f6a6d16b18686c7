import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { entryHash, type ChainFields } from './chain';

const fields: ChainFields = {
  eventId: '6f1c2a3e-0000-4000-8000-000000000001',
  seq: 7,
  kind: 'entry',
  occurredAt: new Date('2026-03-02T08:15:00.000Z'),
  recordedAt: new Date('2026-03-02T08:15:02.123Z'),
  authorId: '6f1c2a3e-0000-4000-8000-000000000002',
  authorName: 'Claire Martin',
  functionName: 'Directeur des opérations',
  source: 'SDIS 34',
  text: 'Digue du Lez surveillée',
  important: true,
  tags: ['décision'],
  attachmentHashes: [],
  correctsId: null,
  prevHash: 'a'.repeat(64),
};

describe('entry hash', () => {
  it('an entry without a position hashes exactly as version 1 did (chains written before positions verify unchanged)', () => {
    const v1 = createHash('sha256')
      .update(
        JSON.stringify([
          'vigie-logbook-v1',
          fields.eventId,
          fields.seq,
          fields.kind,
          fields.occurredAt.toISOString(),
          fields.recordedAt.toISOString(),
          fields.authorId,
          fields.authorName,
          fields.functionName,
          fields.source,
          fields.text,
          fields.important,
          fields.tags,
          fields.attachmentHashes,
          fields.correctsId,
          fields.prevHash,
        ]),
        'utf8',
      )
      .digest('hex');
    expect(entryHash(fields)).toBe(v1);
    expect(entryHash({ ...fields, position: null })).toBe(v1);
  });

  it('a position is part of the hash (version 2): moving the point changes it', () => {
    const placed = entryHash({ ...fields, position: { lon: 3.8957, lat: 43.5993, accuracy: 12, source: 'device' } });
    expect(placed).not.toBe(entryHash(fields));
    expect(entryHash({ ...fields, position: { lon: 3.8958, lat: 43.5993, accuracy: 12, source: 'device' } })).not.toBe(placed);
    expect(entryHash({ ...fields, position: { lon: 3.8957, lat: 43.5993, accuracy: null, source: 'map' } })).not.toBe(placed);
  });
});
