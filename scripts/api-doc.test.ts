import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_DOC, renderApiDoc } from './api-doc';
import { routeIds, routes } from '../src/shared/routes';

describe('API report', () => {
  it('docs/API.md matches the route table (run `npx tsx scripts/api-doc.ts` after changing a route)', () => {
    const doc = fs.readFileSync(API_DOC, 'utf8');
    expect(doc).toBe(renderApiDoc());
    for (const id of routeIds) expect(doc).toContain(`\`${routes[id].path}\``);
  });
});
