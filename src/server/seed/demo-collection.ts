import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { addDays, parisDateTime } from '../modules/collection/paris-time';
import { queueDetection } from '../modules/collection';
import { communeOrganisationName } from '../modules/onboarding';

// The demo campaign of the Préfecture du Morbihan: daily COVID-19 deaths by place, every commune
// of the department, about 90 days of history drawn from a fixed-seed generator (the same data at
// every start), a few missing declarations and a local peak in Vannes over the last days, so that
// completeness and detection have something to show.

const DAYS = 90;
const SEED = 56_2020;
/** Deaths per inhabitant per day, all places together (a wave's plateau, for a plausible scale). */
const DAILY_RATE = 2.2e-5;
const PLACES = [
  { key: 'domicile', label: 'Décès à domicile', help: 'Personnes décédées à leur domicile, certificat de décès établi dans la commune.', share: 0.25 },
  { key: 'ehpad', label: 'Décès en EHPAD', help: 'Résidents décédés dans un établissement d’hébergement pour personnes âgées dépendantes de la commune.', share: 0.3 },
  { key: 'hopital', label: 'Décès à l’hôpital', help: 'Décès survenus dans un établissement de santé situé dans la commune (hors EHPAD).', share: 0.4 },
  { key: 'autre', label: 'Décès autre lieu', help: 'Tout autre lieu : voie publique, établissement médico-social hors EHPAD, etc.', share: 0.05 },
] as const;
export const DEMO_PEAK_COMMUNE = '56260'; // Vannes
/** Lorient's clerk has today's declaration still to do (the demo's "à déclarer"). */
export const DEMO_TODO_COMMUNE = '56121';
/**
 * Alert rules of the demo campaign: ten deaths in a commune in one day is red; an EHPAD cluster
 * (6 in three days) is yellow; the department is yellow from 20 deaths per 100,000 inhabitants
 * over 7 days, orange from 30. The statistical detection gives orange.
 */
export const DEMO_ALERTS = {
  rules: [
    { scope: 'commune', level: 'rouge', indicator: 'total', metric: 'count', window: 1, threshold: 10 },
    { scope: 'commune', level: 'jaune', indicator: 'ehpad', metric: 'count', window: 3, threshold: 6 },
    { scope: 'department', level: 'jaune', indicator: 'total', metric: 'rate', window: 7, threshold: 20 },
    { scope: 'department', level: 'orange', indicator: 'total', metric: 'rate', window: 7, threshold: 30 },
  ],
  detectionLevel: 'orange',
} as const;
/** Contacts the prefecture invited (CSV import) and who have not activated their link yet. */
const DEMO_INVITED = [
  { insee: '56007', name: 'Nolwenn Le Gall', job: 'Secrétaire de mairie', phone: '02 97 24 00 00', days: 2 },
  { insee: '56165', name: 'Pierre Jégo', job: 'Maire', phone: '02 97 73 00 00', days: 1 },
  { insee: '56178', name: 'Soizic Rio', job: 'Directrice générale des services', phone: '02 97 25 00 00', days: 20 },
] as const;
/** Extra deaths in Vannes over the last three days (EHPAD cluster). */
const PEAK: Array<Partial<Record<(typeof PLACES)[number]['key'], number>>> = [{ ehpad: 5, domicile: 1 }, { ehpad: 7, domicile: 2 }, { ehpad: 6, domicile: 1 }];

const addHours = (d: Date, h: number) => new Date(d.getTime() + h * 3600_000);

/** mulberry32: a small deterministic PRNG (32-bit state), enough for demo data. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Knuth's Poisson sampler (small means only). */
function poisson(random: () => number, mean: number): number {
  const l = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= random();
  } while (p > l);
  return k - 1;
}

export interface DemoCollectionOptions {
  /** The campaign's alert rules (DEMO_ALERTS); without them, only the statistical detection colours. */
  withRules?: boolean;
  /** Onboarding in progress: these clerks activated, and three invited contacts have not. */
  invitations?: { clerkIds: string[] };
}

export async function seedDemoCollection(
  tx: Kysely<DB>,
  prefecture: { id: string; userId: string; userName: string },
  now = new Date(),
  options: DemoCollectionOptions = {},
): Promise<string> {
  const today = parisDateTime(now).date;
  const start = addDays(today, -(DAYS - 1));
  const { id } = await tx
    .insertInto('collection_campaigns')
    .values({
      organisation_id: prefecture.id,
      department_code: '56',
      name: 'Décès COVID-19 par lieu',
      description: 'Chaque jour avant 10 h, chaque commune déclare les décès liés à la COVID-19 survenus la veille sur son territoire, par lieu de décès. Déclarez 0 s’il n’y en a pas.',
      period: 'daily',
      deadline: '10:00',
      start_date: start,
      status: 'active',
      ...(options.withRules ? { alert_settings: JSON.stringify(DEMO_ALERTS) } : {}),
      created_by: prefecture.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('collection_indicators')
    .values(PLACES.map((p, position) => ({ campaign_id: id, key: p.key, position, label: p.label, help: p.help, max_value: 10_000 })))
    .execute();
  const communes = await tx.selectFrom('communes').select(['insee_code', 'population']).where('department_code', '=', '56').orderBy('insee_code').execute();
  await tx.insertInto('collection_campaign_communes').values(communes.map((c) => ({ campaign_id: id, insee_code: c.insee_code }))).execute();

  const random = mulberry32(SEED);
  const rows: Array<{ campaign_id: string; insee_code: string; period_date: string; values: string; declared_by: string; declared_by_name: string; declared_at: Date; updated_at: Date }> = [];
  for (let day = 0; day < DAYS; day++) {
    const date = addDays(start, day);
    const isToday = day === DAYS - 1;
    for (const c of communes) {
      const draws = PLACES.map((p) => poisson(random, (c.population ?? 0) * DAILY_RATE * p.share));
      const skip = random();
      // About 1 % of past declarations never came; today, about 40 % have not answered yet.
      if (c.insee_code !== DEMO_PEAK_COMMUNE && (isToday ? skip < 0.4 || c.insee_code === DEMO_TODO_COMMUNE : skip < 0.01)) continue;
      const values: Record<string, number> = {};
      PLACES.forEach((p, i) => (values[p.key] = draws[i]));
      const peakDay = day - (DAYS - PEAK.length);
      if (c.insee_code === DEMO_PEAK_COMMUNE && peakDay >= 0) for (const [k, v] of Object.entries(PEAK[peakDay])) values[k] += v;
      // Declared in the morning of that day, Paris time (08:00–09:59 local, about 07:00–08:59 UTC).
      const at = new Date(`${date}T07:${String(Math.floor(random() * 60)).padStart(2, '0')}:00Z`);
      rows.push({ campaign_id: id, insee_code: c.insee_code, period_date: date, values: JSON.stringify(values), declared_by: prefecture.userId, declared_by_name: 'Saisie initiale (démonstration)', declared_at: at, updated_at: at });
    }
  }
  // One statement per 500 rows: PGlite pays per statement.
  for (let i = 0; i < rows.length; i += 500) await tx.insertInto('collection_declarations').values(rows.slice(i, i + 500)).execute();
  // The stored detection of every commune is computed by the refresher once the server runs.
  await queueDetection(tx, id, communes.map((c) => ({ inseeCode: c.insee_code, fromDate: start })));

  // Onboarding in progress: the demo clerks of Vannes and Lorient activated their accounts; three
  // other contacts were invited and have not yet (one link expired). Their links are unknown
  // (only a hash is kept): "Nouveau lien" on the contacts page hands out a usable one.
  if (!options.invitations) return id;
  const { clerkIds } = options.invitations;
  const clerks = clerkIds.length
    ? await tx.selectFrom('users as u').innerJoin('organisations as o', 'o.id', 'u.organisation_id').select(['u.id', 'o.insee_code']).where('u.id', 'in', clerkIds).execute()
    : [];
  for (const c of clerks) {
    await tx
      .insertInto('commune_invitations')
      .values({ user_id: c.id, prefecture_id: prefecture.id, insee_code: c.insee_code!, job_title: 'Secrétariat de mairie', invited_by: prefecture.userId, invited_at: addHours(now, -24 * 30), link_at: addHours(now, -24 * 30), activated_at: addHours(now, -24 * 29) })
      .execute();
  }
  const names = new Map((await tx.selectFrom('communes').select(['insee_code', 'name']).where('insee_code', 'in', DEMO_INVITED.map((i) => i.insee)).execute()).map((c) => [c.insee_code, c.name]));
  for (const inv of DEMO_INVITED) {
    const { id: orgId } = await tx
      .insertInto('organisations')
      .values({ kind: 'commune', name: communeOrganisationName(names.get(inv.insee)!), insee_code: inv.insee, department_code: '56' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const email = `${inv.name.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').replace(/[^a-z]+/g, '.')}@mairie-${inv.insee}.demo`;
    const { id: userId } = await tx
      .insertInto('users')
      .values({ organisation_id: orgId, email, display_name: inv.name, role: 'contributor', password_hash: `unusable$${randomBytes(16).toString('hex')}` })
      .returning('id')
      .executeTakeFirstOrThrow();
    const sent = addHours(now, -24 * inv.days);
    await tx
      .insertInto('commune_invitations')
      .values({
        user_id: userId,
        prefecture_id: prefecture.id,
        insee_code: inv.insee,
        job_title: inv.job,
        phone: inv.phone,
        token_hash: createHash('sha256').update(randomBytes(32)).digest('hex'),
        expires_at: addHours(sent, 24 * 14),
        invited_by: prefecture.userId,
        invited_at: sent,
        link_at: sent,
      })
      .execute();
  }
  return id;
}
