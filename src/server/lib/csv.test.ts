import { describe, expect, it } from 'vitest';
import { csvCell, decodeText, parseCsv, parseDateCell } from './csv';

describe('CSV helpers', () => {
  it('quotes separators and quotes, and disarms spreadsheet formulas in text (numbers stay numbers)', () => {
    expect(csvCell('Saint-Jean; "Le Haut"')).toBe('"Saint-Jean; ""Le Haut"""');
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    for (const v of ['+33 1 23', '-2+3', '@SUM(A1)']) expect(csvCell(v)).toBe(`'${v}`);
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell('-3')).toBe('-3');
    expect(csvCell(null)).toBe('');
  });

  it('reads ISO and French dates, refusing days that do not exist', () => {
    expect(parseDateCell('2026-03-10')).toBe('2026-03-10');
    expect(parseDateCell(' 1/3/2026 ')).toBe('2026-03-01');
    expect(parseDateCell('2026-02-30')).toBeNull();
    expect(parseDateCell('31/04/2026')).toBeNull();
    expect(parseDateCell('10.03.2026')).toBeNull();
  });

  it('decodes UTF-8 (BOM dropped) and Windows-1252, 0x80–0x9F included', () => {
    expect(decodeText(Buffer.from('\ufeffdate;nom\n', 'utf8'))).toBe('date;nom\n');
    expect(decodeText(Buffer.from([0x4c, 0x65, 0x20, 0x43, 0x9c, 0x75, 0x72, 0x20, 0x92, 0x80, 0xe9]))).toBe('Le Cœur ’€é');
  });

  it('finds the separator from the header and keeps file line numbers', () => {
    const t = parseCsv(Buffer.from('Date,Code_INSEE,a\n\n2026-03-01,56260,"1"\n2026-03-02,56260,2\n'));
    expect(t.header).toEqual(['date', 'code_insee', 'a']);
    expect(t.rows).toEqual([
      { line: 3, cells: ['2026-03-01', '56260', '1'] },
      { line: 4, cells: ['2026-03-02', '56260', '2'] },
    ]);
  });
});
