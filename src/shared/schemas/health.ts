import { z } from 'zod';

export const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  database: z.object({ reachable: z.boolean(), engine: z.enum(['pglite', 'postgresql']) }),
  migrations: z.object({ current: z.boolean(), applied: z.number(), known: z.number(), pending: z.array(z.string()) }),
  version: z.string(),
});
export type Health = z.infer<typeof healthSchema>;
