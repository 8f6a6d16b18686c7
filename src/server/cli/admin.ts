import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../config';
import { prepareDatabase } from '../bootstrap';
import { hashPassword, generateTemporaryPassword, accountKey, clearThrottle, deleteUserSessions } from '../modules/auth';
import { recordAudit } from '../modules/audit';
import { loadDepartment } from '../modules/territory';
import type { FeatureCollection } from '../modules/territory/territory.loader';
import { emailSchema, passwordSchema } from '../../shared/schemas/common';
import { organisationKinds } from '../../shared/permissions';
import type { Actor } from '../http/context';

const USAGE = `Administration de Vigie (base : DATABASE_URL, sinon DATA_DIR ou ./data)

  npm run admin -- create-admin --email <e-mail> --name <nom> --organisation <nom>
                   --kind commune|prefecture|partner [--insee <code commune>] [--department <code>]
                   [--password <mot de passe>]     (sinon VIGIE_ADMIN_PASSWORD, sinon un mot de passe
                                                    temporaire est tiré et affiché)
      Crée le premier administrateur d’une organisation (créée si elle n’existe pas).

  npm run admin -- reset-password --email <e-mail>
      Donne un mot de passe temporaire (à changer à la connexion) et ferme les sessions du compte.

  npm run admin -- load-department --code <code> --file <contours.geojson>
      Charge ou met à jour un département et ses communes (INSEE + contours), avec un rapport.
`;

const CLI: Actor = { userId: null, organisationId: null, ip: 'cli' };

function fail(message: string): never {
  process.stderr.write(`Erreur : ${message}\n`);
  process.exit(2);
}

async function run() {
  const [command, ...rest] = process.argv.slice(2);
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(USAGE);
    return;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      organisation: { type: 'string' },
      kind: { type: 'string' },
      insee: { type: 'string' },
      department: { type: 'string' },
      password: { type: 'string' },
      code: { type: 'string' },
      file: { type: 'string' },
    },
    strict: true,
  });
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
  const { database } = await prepareDatabase(config);
  const db = database.db;
  try {
    switch (command) {
      case 'create-admin': {
        const email = emailSchema.safeParse(values.email ?? '');
        if (!email.success) fail('--email attend une adresse e-mail valide');
        const name = z.string().trim().min(2).safeParse(values.name ?? '');
        if (!name.success) fail('--name attend le nom de la personne (2 caractères au moins)');
        const orgName = z.string().trim().min(2).max(200).safeParse(values.organisation ?? '');
        if (!orgName.success) fail('--organisation attend le nom de l’organisation');
        const kind = z.enum(organisationKinds).safeParse(values.kind);
        let temporary = false;
        let password = values.password ?? process.env.VIGIE_ADMIN_PASSWORD;
        if (!password) {
          password = generateTemporaryPassword();
          temporary = true;
        }
        if (!passwordSchema.safeParse(password).success) fail('le mot de passe doit contenir au moins 12 caractères');
        const hash = await hashPassword(password, config.scryptCost);
        const result = await db.transaction().execute(async (tx) => {
          let org = await tx.selectFrom('organisations').selectAll().where((eb) => eb(eb.fn('lower', ['name']), '=', orgName.data.toLowerCase())).executeTakeFirst();
          if (!org) {
            if (!kind.success) fail('--kind attend commune, prefecture ou partner (l’organisation est nouvelle)');
            const insee = values.insee ?? null;
            const department = values.department ?? (insee ? insee.slice(0, insee.startsWith('97') ? 3 : 2) : null);
            if (kind.data === 'commune') {
              if (!insee) fail('--insee attend le code INSEE de la commune');
              const c = await tx.selectFrom('communes').select('insee_code').where('insee_code', '=', insee).executeTakeFirst();
              if (!c) fail(`commune ${insee} inconnue : chargez d’abord son département (load-department)`);
            }
            if (kind.data === 'prefecture') {
              if (!department) fail('--department attend le code du département');
              const d = await tx.selectFrom('departments').select('code').where('code', '=', department).executeTakeFirst();
              if (!d) fail(`département ${department} inconnu : chargez-le d’abord (load-department)`);
            }
            org = await tx
              .insertInto('organisations')
              .values({ name: orgName.data, kind: kind.data, insee_code: kind.data === 'commune' ? insee : null, department_code: kind.data === 'partner' ? null : department })
              .returningAll()
              .executeTakeFirstOrThrow();
            await recordAudit(tx, CLI, { action: 'organisation.created', entityType: 'organisation', entityId: org.id, organisationId: org.id, changes: { name: org.name, kind: org.kind } });
          }
          const taken = await tx.selectFrom('users').select('id').where('email', '=', email.data).executeTakeFirst();
          if (taken) fail(`un compte existe déjà avec l’adresse ${email.data}`);
          const user = await tx
            .insertInto('users')
            .values({ organisation_id: org.id, email: email.data, display_name: name.data, role: 'administrator', password_hash: hash, must_change_password: temporary })
            .returningAll()
            .executeTakeFirstOrThrow();
          await recordAudit(tx, CLI, { action: 'user.created', entityType: 'user', entityId: user.id, organisationId: org.id, changes: { email: user.email, role: user.role, via: 'cli' } });
          return { org, user };
        });
        process.stdout.write(`Administrateur créé : ${result.user.email} (${result.org.name})\n`);
        if (temporary) process.stdout.write(`Mot de passe temporaire (à changer à la première connexion) : ${password}\n`);
        break;
      }
      case 'reset-password': {
        const email = emailSchema.safeParse(values.email ?? '');
        if (!email.success) fail('--email attend une adresse e-mail valide');
        const user = await db.selectFrom('users').selectAll().where('email', '=', email.data).executeTakeFirst();
        if (!user) fail(`aucun compte avec l’adresse ${email.data}`);
        const password = generateTemporaryPassword();
        const hash = await hashPassword(password, config.scryptCost);
        await db.transaction().execute(async (tx) => {
          await tx.updateTable('users').set({ password_hash: hash, must_change_password: true, password_changed_at: new Date(), updated_at: new Date() }).where('id', '=', user.id).execute();
          await deleteUserSessions(tx, user.id);
          await clearThrottle(tx, accountKey(user.email));
          await recordAudit(tx, CLI, { action: 'user.password_reset', entityType: 'user', entityId: user.id, organisationId: user.organisation_id, changes: { via: 'cli' } });
        });
        process.stdout.write(`Mot de passe temporaire de ${user.email} (à changer à la connexion) : ${password}\n`);
        break;
      }
      case 'load-department': {
        if (!values.code || !values.file) fail('--code et --file sont requis');
        let geo: FeatureCollection;
        try {
          geo = JSON.parse(fs.readFileSync(values.file, 'utf8')) as FeatureCollection;
        } catch (err) {
          fail(`lecture de ${values.file} impossible : ${(err as Error).message}`);
        }
        if (geo?.type !== 'FeatureCollection' || !Array.isArray(geo.features)) fail(`${values.file} n’est pas une FeatureCollection GeoJSON`);
        const report = await loadDepartment(db, values.code, geo, null);
        process.stdout.write(
          [
            `Département ${report.department} : ${report.communes} communes, ${report.withOutline} avec contour.`,
            ...report.merged.map((m) => `  fusion : ${m.oldCode} → ${m.newCode} ${m.newName}`),
            report.withoutOutline.length ? `  sans contour : ${report.withoutOutline.join(', ')}` : '',
            report.unknown.length ? `  codes inconnus dans le fichier : ${report.unknown.join(', ')}` : '',
          ]
            .filter(Boolean)
            .join('\n') + '\n',
        );
        break;
      }
      default:
        process.stdout.write(USAGE);
        fail(`commande inconnue : ${command}`);
    }
  } finally {
    await database.close();
  }
}

run().catch((err: unknown) => {
  if (err instanceof ConfigError) fail(err.message);
  fail(err instanceof Error ? err.message : String(err));
});
