// CSV in and out for French spreadsheets: `;` separator, UTF-8 with BOM on export; on import,
// UTF-8 or Windows-1252 (what a spreadsheet saves as "CSV (séparateur : point-virgule)"), with
// `;`, `,` or tab as separator, found from the header line. Parsing is csv-parse's.

import { parse } from 'csv-parse/sync';
import type { MultipartFile } from '@fastify/multipart';
import { AppError } from '../http/errors';

/**
 * One cell. Text that a spreadsheet would run as a formula (=, +, -, @ first, or a tab or carriage
 * return) gets a leading apostrophe (OWASP "CSV injection"); numbers stay numbers.
 */
export function csvCell(v: string | number | boolean | null | undefined): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s) && !/^-?\d+([.,]\d+)?$/.test(s)) s = `'${s}`;
  return /[";\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV document: BOM (so that spreadsheets read UTF-8), `;`, CRLF line ends. */
export function csvDocument(rows: Array<Array<string | number | boolean | null | undefined>>): string {
  return '\ufeff' + rows.map((r) => r.map(csvCell).join(';')).join('\r\n') + '\r\n';
}

/** A header cell as a column key: accents, case and punctuation dropped ("Téléphone 2" → "telephone_2"). */
export const normaliseHeader = (h: string) =>
  h
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

/** Reads an uploaded file whole, refusing more than `maxBytes`. */
export async function readUpload(file: MultipartFile | undefined, maxBytes: number): Promise<{ name: string; data: Buffer }> {
  if (!file) throw new AppError('file_required');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of file.file) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      file.file.resume();
      throw new AppError('file_too_large', { maxBytes });
    }
    chunks.push(chunk as Buffer);
  }
  if (file.file.truncated) throw new AppError('file_too_large', { maxBytes });
  return { name: file.filename, data: Buffer.concat(chunks) };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Windows-1252's 0x80–0x9F (’ “ ” – — … œ € ...). Node 20.18+ decodes 'windows-1252' as Latin-1,
 * where these bytes are control characters (nodejs/node#56542), so they are mapped here; the
 * five bytes Windows-1252 leaves undefined stay as they are.
 */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/** Text decoded as Latin-1 where the bytes were Windows-1252: its 0x80–0x9F characters put back. */
export function fixCp1252(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]);
}

function decodeCp1252(data: Buffer): string {
  let out = '';
  for (const b of data) out += b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80] : String.fromCharCode(b);
  return out;
}

export function decodeText(data: Buffer): string {
  let text: string;
  try {
    text = utf8.decode(data);
  } catch {
    text = decodeCp1252(data);
  }
  return text.replace(/^\ufeff/, '');
}

export interface CsvTable {
  /** Header names, trimmed and lower-cased. */
  header: string[];
  /** Data rows with the file's line number of their start (the header is line 1). */
  rows: Array<{ line: number; cells: string[] }>;
}

/** Parses a CSV upload; a file that is not CSV at all is an `import_invalid` with one issue. */
export function parseCsv(data: Buffer): CsvTable {
  const text = decodeText(data);
  if (text.includes('\u0000')) {
    throw new AppError('import_invalid', [{ line: 1, code: 'not_csv', message: 'Ce fichier n’est pas un fichier texte CSV.' }]);
  }
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = [';', '\t', ','].map((d) => ({ d, n: firstLine.split(d).length - 1 })).sort((a, b) => b.n - a.n)[0];
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { delimiter: delimiter.n > 0 ? delimiter.d : ';', info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as never;
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 1;
    throw new AppError('import_invalid', [{ line, code: 'csv_syntax', message: `Ligne ${line} illisible : guillemets non fermés ou mal placés.` }]);
  }
  if (records.length === 0) throw new AppError('import_invalid', [{ line: 1, code: 'empty', message: 'Le fichier est vide : il faut au moins la ligne d’en-tête.' }]);
  const [head, ...rest] = records;
  return {
    header: head.record.map((h) => h.trim().toLowerCase()),
    // info.lines is the line where the record ends; a record spans one line unless a quoted cell holds a line break.
    rows: rest.filter((r) => r.record.some((c) => c !== '')).map((r) => ({ line: r.info.lines, cells: r.record })),
  };
}

/** A date cell: ISO 'AAAA-MM-JJ' or French 'JJ/MM/AAAA' (a spreadsheet rewrites dates so); null if neither or not a real day. */
export function parseDateCell(raw: string): string | null {
  const s = raw.trim();
  let iso: string | null = null;
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) iso = `${m[1]}-${m[2]}-${m[3]}`;
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  if (m) iso = `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}`;
  if (!iso) return null;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : null;
}

/** The text PDFKit's standard fonts can draw (WinAnsi): narrow spaces and maths signs replaced. */
export function pdfText(s: string): string {
  return s.replace(/[\u202f\u2009\u2007]/g, ' ').replace(/≥/g, '>=').replace(/≤/g, '<=').replace(/→/g, '->');
}

export function slug(s: string): string {
  return (
    s
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .toLowerCase()
      .slice(0, 60) || 'collecte'
  );
}

export const attachmentDisposition = (name: string) =>
  `attachment; filename="${name.replace(/[^\x20-\x7e]/g, '_').replace(/"/g, '')}"; filename*=UTF-8''${encodeURIComponent(name)}`;
