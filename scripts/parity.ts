// `npm run parity -- <dir>`: runs Vigie's detection on every R reference file (schema_version 1)
// in <dir> and prints, per file, pass/fail with the largest differences, then `N passed, M failed`.
// Exit code 0 only when every file passes. Default directory: tests/fixtures/surveillance/cases.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkReference, formatReport, type ReferenceFile } from '../src/surveillance/index';

const dir = process.argv[2] ?? 'tests/fixtures/surveillance/cases';
let files: string[];
try {
  files = statSync(dir).isDirectory()
    ? readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'index.json').sort().map((f) => join(dir, f))
    : [dir];
} catch (err) {
  console.error(`parity: cannot read ${dir}: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
}

let passed = 0;
let failed = 0;
for (const file of files) {
  let ref: ReferenceFile;
  try {
    ref = JSON.parse(readFileSync(file, 'utf8')) as ReferenceFile;
  } catch (err) {
    console.log(`FAIL ${file}\n  error: unreadable JSON (${err instanceof Error ? err.message : String(err)})`);
    failed++;
    continue;
  }
  if (ref.schema_version === undefined || ref.output === undefined) continue; // not a reference file
  const report = checkReference(ref);
  console.log(formatReport(report));
  if (report.pass) passed++;
  else failed++;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
