import { randomInt } from 'node:crypto';
import type { Database } from '../db/client';
import type { Role } from '../../shared/permissions';
import { hashPassword } from '../modules/auth/password';
import { recordAudit } from '../modules/audit';
import type { Actor } from '../http/context';
import { sql } from 'kysely';
import type { RealtimeHub } from '../realtime/hub';
import { seedDemoLogbook } from './demo-logbook';
import { seedDemoRights } from './demo-rights';
import { seedDemoMap } from './demo-map';
import { seedDemoPcs } from './demo-pcs';
import { seedDemoCollection } from './demo-collection';

export interface DemoAccount {
  organisation: string;
  role: Role;
  email: string;
  password: string;
}

const SYSTEM: Actor = { userId: null, organisationId: null, ip: null };

function demoPassword(): string {
  const words = ['vigie', 'alerte', 'digue', 'crue', 'sirene', 'abri', 'balise', 'phare', 'radar', 'veille', 'relais', 'secours'];
  const w = () => words[randomInt(words.length)];
  return `${w()}-${w()}-${w()}-${randomInt(100, 1000)}`;
}

const CLERK = { role: 'contributor' as Role, slug: 'secretariat' };

// Role names shown to people come from `roleLabels` (src/shared); these are only e-mail prefixes.
const ROLES: Array<{ role: Role; slug: string }> = [
  { role: 'administrator', slug: 'admin' },
  { role: 'coordinator', slug: 'coordination' },
  { role: 'contributor', slug: 'contribution' },
  { role: 'reader', slug: 'lecture' },
];

/**
 * Demo organisations and one account per role in each, with fresh random passwords returned so the
 * start prints them once. Loads nothing when the database already holds an organisation.
 */
export async function seedDemoIfEmpty(database: Database, scryptCost: number, realtime: RealtimeHub): Promise<DemoAccount[] | null> {
  const any = await database.db.selectFrom('organisations').select('id').limit(1).executeTakeFirst();
  if (any) return null;
  const orgs: Array<{ name: string; kind: 'commune' | 'prefecture'; insee_code: string | null; department_code: string; domain: string; people: string[]; roles?: typeof ROLES }> = [
    { name: 'Ville de Montpellier', kind: 'commune' as const, insee_code: '34172', department_code: '34', domain: 'montpellier.demo', people: ['Claire Dubois', 'Julien Moreau', 'Sarah Benali', 'Thomas Garcia'] },
    { name: 'Préfecture du Morbihan', kind: 'prefecture' as const, insee_code: null, department_code: '56', domain: 'morbihan.demo', people: ['Anne Le Goff', 'Yann Guillou', 'Maëlle Le Bihan', 'Erwan Tanguy'] },
    // Communes asked by the prefecture's collection campaign: one clerk (contributor) each.
    { name: 'Commune de Vannes', kind: 'commune' as const, insee_code: '56260', department_code: '56', domain: 'vannes.demo', people: ['Gwenaëlle Le Floch'], roles: [CLERK] },
    { name: 'Commune de Lorient', kind: 'commune' as const, insee_code: '56121', department_code: '56', domain: 'lorient.demo', people: ['Loïc Kervella'], roles: [CLERK] },
  ];
  const accounts: DemoAccount[] = [];
  const prepared: Array<{ org: (typeof orgs)[number]; role: Role; email: string; name: string; hash: string; password: string }> = [];
  for (const org of orgs) {
    for (const [i, r] of (org.roles ?? ROLES).entries()) {
      const password = demoPassword();
      prepared.push({ org, role: r.role, email: `${r.slug}@${org.domain}`, name: org.people[i], hash: await hashPassword(password, scryptCost), password });
    }
  }
  await database.db.transaction().execute(async (tx) => {
    // Re-checked inside the transaction: two instances starting together load the demo once.
    if (await tx.selectFrom('organisations').select('id').limit(1).executeTakeFirst()) return;
    const ids = new Map<string, string>();
    for (const org of orgs) {
      const { id } = await tx
        .insertInto('organisations')
        .values({ name: org.name, kind: org.kind, insee_code: org.insee_code, department_code: org.department_code })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.set(org.name, id);
      await recordAudit(tx, SYSTEM, { action: 'organisation.created', entityType: 'organisation', entityId: id, organisationId: id, changes: { name: org.name, demo: true } });
    }
    const users = await tx
      .insertInto('users')
      .values(prepared.map((p) => ({ organisation_id: ids.get(p.org.name)!, email: p.email, display_name: p.name, role: p.role, password_hash: p.hash })))
      .returning(['id', 'organisation_id', 'email', 'role'])
      .execute();
    for (const u of users) {
      await recordAudit(tx, SYSTEM, { action: 'user.created', entityType: 'user', entityId: u.id, organisationId: u.organisation_id, changes: { email: u.email, role: u.role, demo: true } });
    }
    const prefecture = ids.get('Préfecture du Morbihan')!;
    const city = ids.get('Ville de Montpellier')!;
    const author = (org: string, role: Role) => users.find((u) => u.organisation_id === org && u.role === role)!.id;
    await tx
      .insertInto('announcements')
      .values([
        { organisation_id: city, author_id: author(city, 'coordinator'), level: 'info', text: 'Bienvenue dans Vigie. Astreinte de la semaine : cellule de veille joignable 24 h/24.' },
        { organisation_id: prefecture, author_id: author(prefecture, 'coordinator'), level: 'urgent', text: 'Vigilance orange vent violent sur le littoral à partir de 18 h : point de situation à 17 h.' },
      ])
      .execute();
    const cityUsers = new Map(
      users.filter((u) => u.organisation_id === city).map((u) => [u.role, { id: u.id, name: prepared.find((p) => p.email === u.email)!.name }]),
    );
    await seedDemoLogbook(tx, realtime, city, cityUsers);
    await seedDemoRights(tx, realtime, city, cityUsers);
    await seedDemoMap(tx, realtime, city, cityUsers);
    await seedDemoPcs(tx, city, cityUsers.get('coordinator')?.name ?? 'Démo', SYSTEM);
    // The demo's events are about the plan's risk of the same name as their type (Inondation...).
    await sql`UPDATE events e SET risk_id = r.id FROM event_types t, pcs_risks r
      WHERE e.organisation_id = ${city} AND t.id = e.type_id AND r.organisation_id = e.organisation_id AND lower(r.name) = lower(t.name)`.execute(tx);
    const prefectureCoordinator = prepared.find((p) => p.org.name === 'Préfecture du Morbihan' && p.role === 'coordinator')!;
    const clerks = users.filter((u) => u.email.startsWith(`${CLERK.slug}@`)).map((u) => u.id);
    await seedDemoCollection(tx, { id: prefecture, userId: author(prefecture, 'coordinator'), userName: prefectureCoordinator.name }, new Date(), { withRules: true, invitations: { clerkIds: clerks } });
    accounts.push(...prepared.map((p) => ({ organisation: p.org.name, role: p.role, email: p.email, password: p.password })));
  });
  return accounts.length ? accounts : null;
}
