import { ConfigError, loadConfig, type Config } from './config';
import { prepareDatabase } from './bootstrap';
import { buildApp } from './http/app';
import { seedDemoIfEmpty, type DemoAccount } from './seed/demo';
import { roleLabels } from '../shared/permissions';

function printDemoAccounts(accounts: DemoAccount[], url: string) {
  const lines = [
    '',
    '══════════════════════════════════════════════════════════════════════',
    ' Vigie : données de démonstration chargées. Comptes (affichés une seule fois) :',
    '',
    ...accounts.map((a) => `   ${a.organisation.padEnd(24)} ${roleLabels[a.role].padEnd(15)} ${a.email.padEnd(30)} ${a.password}`),
    '',
    ` Ouvrez ${url} et connectez-vous avec l’un de ces comptes.`,
    ' Mot de passe perdu : npm run admin -- reset-password --email <adresse>',
    '══════════════════════════════════════════════════════════════════════',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

async function main(config: Config) {
  const { database, applied, territory } = await prepareDatabase(config);
  const { app, hub } = await buildApp(config, database);
  const log = app.log;
  if (database.engine === 'pglite') {
    log.warn(
      { dataDir: config.dataDir },
      'Base embarquée PGlite : pratique pour essayer Vigie, mais sans fsync (une coupure de courant peut perdre des données). En production, utilisez PostgreSQL via DATABASE_URL.',
    );
  }
  if (applied.length) log.info({ migrations: applied }, 'migrations appliquées');
  for (const t of territory) log.info({ department: t.department, communes: t.communes, merged: t.merged.length, withoutOutline: t.withoutOutline.length }, 'territoire chargé');
  const demo = config.demoData ? await seedDemoIfEmpty(database, config.scryptCost, hub) : null;

  await hub.start();
  const address = await app.listen({ port: config.port, host: config.host });
  const port = (app.server.address() as { port: number } | null)?.port ?? config.port;
  const url = config.host === '0.0.0.0' || config.host === '::' ? `http://localhost:${port}` : address;
  log.info({ url, engine: database.engine }, 'Vigie démarré');
  if (demo) printDemoAccounts(demo, url);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'arrêt demandé');
    const timer = setTimeout(() => process.exit(1), 10_000).unref();
    await app.close().catch(() => {});
    await database.close().catch(() => {});
    clearTimeout(timer);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
main(config).catch((err: unknown) => {
  process.stderr.write(`Vigie n’a pas pu démarrer : ${err instanceof Error ? err.message : String(err)}\n`);
  if (err instanceof Error && err.stack && config.logLevel === 'debug') process.stderr.write(err.stack + '\n');
  process.exit(1);
});
