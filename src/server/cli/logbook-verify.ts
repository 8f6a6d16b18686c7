import { z } from 'zod';
import { ConfigError, loadConfig } from '../config';
import { openDatabase } from '../db/client';
import { verifyChain } from '../modules/logbook';

/**
 * npm run logbook:verify -- <event id | "all">
 * Recomputes the SHA-256 chain of an event's main courante (or of every event) from the database
 * and names the first entry that does not match. Exit code 0 when intact, 1 when broken, 2 on error.
 */
async function main() {
  const arg = process.argv[2];
  if (!arg || arg === '--help') {
    process.stdout.write('Usage : npm run logbook:verify -- <identifiant d’événement | all>\n');
    process.exit(arg ? 0 : 2);
  }
  if (arg !== 'all' && !z.uuid().safeParse(arg).success) {
    process.stderr.write(`Erreur : « ${arg} » n’est pas un identifiant d’événement (UUID) ni « all ».\n`);
    process.exit(2);
  }
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  let broken = 0;
  try {
    const events = await database.db
      .selectFrom('events')
      .select(['id', 'title'])
      .$if(arg !== 'all', (q) => q.where('id', '=', arg))
      .orderBy('created_at')
      .execute();
    if (events.length === 0) {
      process.stderr.write(`Erreur : événement ${arg} introuvable.\n`);
      process.exit(2);
    }
    for (const e of events) {
      const r = await verifyChain(database.db, e.id);
      if (r.valid) {
        process.stdout.write(`OK      ${e.id}  « ${e.title} » : ${r.entries} entrées, chaîne intègre (dernière empreinte ${r.headHash ?? '—'})\n`);
      } else {
        broken++;
        process.stdout.write(`ROMPUE  ${e.id}  « ${e.title} » : première entrée en défaut n° ${r.firstInvalid?.seq} (${r.firstInvalid?.id}) : ${r.firstInvalid?.reason}\n`);
      }
    }
  } finally {
    await database.close();
  }
  process.exit(broken ? 1 : 0);
}

main().catch((err: unknown) => {
  process.stderr.write(`Erreur : ${err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
