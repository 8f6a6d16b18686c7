import { sql } from 'kysely';
import { defineHandlers } from '../../http/route';
import { migrationStatus } from '../../db/migrate';
import type { Health } from '../../../shared/schemas/health';

const version = process.env.npm_package_version ?? '0.1.0';

export const healthHandlers = defineHandlers({
  health: async ({ reply, services }) => {
    let reachable = false;
    let migrations: Health['migrations'] = { current: false, applied: 0, known: 0, pending: [] };
    try {
      await sql`SELECT 1`.execute(services.db);
      reachable = true;
      const s = await migrationStatus(services.database);
      migrations = { current: s.pending.length === 0, applied: s.applied.length, known: s.known, pending: s.pending };
    } catch {
      reachable = false;
    }
    const ok = reachable && migrations.current;
    reply.status(ok ? 200 : 503);
    reply.header('cache-control', 'no-store');
    const body: Health = { status: ok ? 'ok' : 'degraded', database: { reachable, engine: services.database.engine }, migrations, version };
    return body;
  },
});
