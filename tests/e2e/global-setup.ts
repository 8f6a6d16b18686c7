// Builds the web app once and prepares a template data directory holding the first administrator.
// Each test file copies the template and starts its own server on it (see ./support.ts).

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { ADMIN, ORGANISATION } from './fixtures';
import { createTemplate } from '../helpers/database';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

declare module 'vitest' {
  export interface ProvidedContext {
    e2eTemplateDir: string;
  }
}

export default async function setup(project: TestProject) {
  if (process.env.E2E_SKIP_BUILD !== '1') {
    await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
  }
  // PostgreSQL when TEST_DATABASE_URL is set (a migrated template database), else a PGlite directory.
  const pgTemplate = process.env.TEST_DATABASE_URL ? await createTemplate() : null;
  const template = pgTemplate ? pgTemplate.template.location : fs.mkdtempSync(path.join(os.tmpdir(), 'vigie-e2e-template-'));
  const dbEnv = pgTemplate ? { DATABASE_URL: template } : { DATA_DIR: template };
  await run(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/server/cli/admin.ts',
      'create-admin',
      '--email',
      ADMIN.email,
      '--name',
      ADMIN.name,
      '--organisation',
      ORGANISATION.name,
      '--kind',
      ORGANISATION.kind,
      '--insee',
      ORGANISATION.insee,
      '--password',
      ADMIN.password,
    ],
    { cwd: ROOT, env: { ...process.env, ...dbEnv, LOG_LEVEL: 'warn' }, timeout: 170_000 },
  );
  project.provide('e2eTemplateDir', template);

  return async () => {
    if (pgTemplate) await pgTemplate.teardown();
    else fs.rmSync(template, { recursive: true, force: true });
  };
}
