// Parity with R surveillance 1.20.3 on the 75 reference files copied into
// tests/fixtures/surveillance/cases (R's outputs, see SOURCE.md there). The comparison runs our
// implementation; nothing here is a stored result of ours.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkReference, formatReport, type ReferenceFile } from './index';

const dir = join(import.meta.dirname, '../../tests/fixtures/surveillance/cases');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

describe('parity with R surveillance 1.20.3', () => {
  it('ships the 75 reference files', () => {
    expect(files).toHaveLength(75);
  });

  for (const file of files) {
    it(file.replace(/\.json$/, ''), () => {
      const ref = JSON.parse(readFileSync(join(dir, file), 'utf8')) as ReferenceFile;
      const report = checkReference(ref);
      expect(report.pass, formatReport(report)).toBe(true);
      // every output R gives was compared, not skipped
      expect(report.fields.find((f) => f.field === 'alarm')?.compared).toBe(ref.output.index.length);
    });
  }

  it('detects a broken implementation (the comparator is not vacuous)', () => {
    const ref = JSON.parse(readFileSync(join(dir, 'salmonella_agona__earsC_C1.json'), 'utf8')) as ReferenceFile;
    const tampered: ReferenceFile = {
      ...ref,
      output: { ...ref.output, upperbound: (ref.output.upperbound as number[]).map((v) => v * (1 + 1e-7)) },
    };
    expect(checkReference(tampered).pass).toBe(false);
    const alarms = ref.output.alarm as (number | null)[];
    const flipped: ReferenceFile = { ...ref, output: { ...ref.output, alarm: alarms.map((a, i) => (i === 10 ? (a === 1 ? 0 : 1) : a)) } };
    expect(checkReference(flipped).pass).toBe(false);
  });
});
