import type { TestProject } from 'vitest/node';
import { createTemplate } from '../helpers/database';

declare module 'vitest' {
  export interface ProvidedContext {
    dbTemplate: { engine: 'pglite' | 'postgresql'; location: string };
  }
}

export default async function setup(project: TestProject) {
  const { template, teardown } = await createTemplate();
  project.provide('dbTemplate', template);
  return teardown;
}
