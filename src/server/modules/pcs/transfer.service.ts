import { sql, type Kysely } from 'kysely';
import type { MultipartFile } from '@fastify/multipart';
import type { DB } from '../../db/schema';
import type { Actor, AuthContext, Services } from '../../http/context';
import { AppError } from '../../http/errors';
import { csvDocument, parseCsv, readUpload, normaliseHeader } from '../../lib/csv';
import { topicOf } from '../../../shared/realtime';
import type { ImportIssue } from '../../../shared/schemas/collection';
import {
  CONTACTS_CSV_COLUMNS,
  RESOURCES_CSV_COLUMNS,
  planDocumentSchema,
  resourceFieldsSchema,
  resourceKindLabels,
  resourceKinds,
  type PlanDocument,
  type PlanImportResult,
  type ResourceKind,
} from '../../../shared/schemas/pcs';
import { recordAudit } from '../audit';
import { writeUpkeep } from './plan.service';
import { idByName, type NamedTable } from './editing.service';

// Import and export of the plan. JSON: the whole plan but the register of vulnerable people (which
// has its own, explicit export). CSV: the directory and the resources, as spreadsheets keep them.
// Imports add or update by name (nothing is deleted: events refer to risks and resources), check
// everything first and write all or nothing.

const CSV_MAX_BYTES = 2 * 1024 * 1024;
const MAX_ISSUES = 200;

type Counts = Record<string, number>;

/** Problems a schema cannot see: the same name twice in the file, an on-call shift of an unknown contact. */
function crossChecks(doc: PlanDocument, knownContacts: Set<string>): ImportIssue[] {
  const issues: ImportIssue[] = [];
  const dup = (section: string, names: string[], label: string) => {
    const seen = new Map<string, number>();
    names.forEach((n, i) => {
      const k = n.toLowerCase();
      if (seen.has(k)) issues.push({ line: 0, column: `${section}[${i}].name`, code: 'duplicate', message: `${label} « ${n} » en double (déjà à l’élément ${seen.get(k)! + 1}).` });
      else seen.set(k, i);
    });
  };
  dup('risks', doc.risks.map((r) => r.name), 'Risque');
  doc.risks.forEach((r, i) => {
    const seen = new Set<string>();
    r.sheets.forEach((s, j) => {
      if (seen.has(s.title.toLowerCase())) issues.push({ line: 0, column: `risks[${i}].sheets[${j}].title`, code: 'duplicate', message: `Fiche « ${s.title} » en double pour le risque « ${r.name} ».` });
      seen.add(s.title.toLowerCase());
    });
  });
  dup('contacts', doc.contacts.map((c) => c.name), 'Contact');
  dup('alertMeans', doc.alertMeans.map((m) => m.name), 'Moyen d’alerte');
  dup('resources', doc.resources.map((r) => r.name), 'Moyen');
  dup('sites', doc.sites.map((s) => s.name), 'Site');
  const inFile = new Set(doc.contacts.map((c) => c.name.toLowerCase()));
  doc.oncall.forEach((s, i) => {
    if (!inFile.has(s.contact.toLowerCase()) && !knownContacts.has(s.contact.toLowerCase()))
      issues.push({ line: 0, column: `oncall[${i}].contact`, code: 'unknown_contact', message: `Astreinte : contact « ${s.contact} » absent de l’annuaire.` });
    if (new Date(s.endsAt) <= new Date(s.startsAt)) issues.push({ line: 0, column: `oncall[${i}].endsAt`, code: 'invalid_dates', message: 'Astreinte : la fin doit suivre le début.' });
  });
  return issues;
}

/** Writes a checked document (inside the caller's transaction); also how the demo plan is loaded. */
export async function writePlanDocument(tx: Kysely<DB>, org: string, authorName: string, actor: Actor, doc: PlanDocument): Promise<PlanImportResult> {
  const created: Counts = {};
  const updated: Counts = {};
  const count = (bag: Counts, key: string) => (bag[key] = (bag[key] ?? 0) + 1);
  const byName = (table: NamedTable, name: string) => idByName(tx, table, org, name);

  if (doc.upkeep) await writeUpkeep(tx, org, authorName, actor, doc.upkeep);

  // Functions of the sheets: the organisation's, created when the plan names a new one.
  const functions = new Map((await tx.selectFrom('crisis_functions').select(['id', 'name']).where('organisation_id', '=', org).execute()).map((f) => [f.name.toLowerCase(), f.id]));
  let position = (await tx.selectFrom('crisis_functions').select(sql<number>`coalesce(max(position), 0)`.as('p')).where('organisation_id', '=', org).executeTakeFirstOrThrow()).p;
  const functionId = async (name: string) => {
    const known = functions.get(name.toLowerCase());
    if (known) return known;
    const { id } = await tx.insertInto('crisis_functions').values({ organisation_id: org, name, position: ++position }).returning('id').executeTakeFirstOrThrow();
    functions.set(name.toLowerCase(), id);
    count(created, 'functions');
    return id;
  };

  for (const [i, r] of doc.risks.entries()) {
    let riskId = await byName('pcs_risks', r.name);
    if (riskId) {
      await tx.updateTable('pcs_risks').set({ name: r.name, description: r.description, position: i, archived: false, updated_at: sql`now()` }).where('id', '=', riskId).execute();
      count(updated, 'risks');
    } else {
      riskId = (await tx.insertInto('pcs_risks').values({ organisation_id: org, name: r.name, description: r.description, position: i }).returning('id').executeTakeFirstOrThrow()).id;
      count(created, 'risks');
    }
    for (const [j, s] of r.sheets.entries()) {
      const fn = await functionId(s.function);
      const existing = await tx.selectFrom('pcs_reflex_sheets').select('id').where('risk_id', '=', riskId).where(sql`lower(title)`, '=', s.title.toLowerCase()).executeTakeFirst();
      if (existing) {
        await tx.updateTable('pcs_reflex_sheets').set({ title: s.title, function_id: fn, steps: s.steps, position: j, archived: false, updated_at: sql`now()` }).where('id', '=', existing.id).execute();
        count(updated, 'sheets');
      } else {
        await tx.insertInto('pcs_reflex_sheets').values({ organisation_id: org, risk_id: riskId, title: s.title, function_id: fn, steps: s.steps, position: j }).execute();
        count(created, 'sheets');
      }
    }
  }

  const contactIds = new Map<string, string>();
  for (const c of doc.contacts) {
    const values = { name: c.name, service: c.service, function_label: c.function, phone: c.phone, phone_alt: c.phoneAlt, email: c.email, notes: c.notes };
    let id = await byName('pcs_contacts', c.name);
    if (id) {
      await tx.updateTable('pcs_contacts').set({ ...values, archived: false, updated_at: sql`now()` }).where('id', '=', id).execute();
      count(updated, 'contacts');
    } else {
      id = (await tx.insertInto('pcs_contacts').values({ organisation_id: org, ...values }).returning('id').executeTakeFirstOrThrow()).id;
      count(created, 'contacts');
    }
    contactIds.set(c.name.toLowerCase(), id);
  }
  for (const s of doc.oncall) {
    const contactId = contactIds.get(s.contact.toLowerCase()) ?? (await byName('pcs_contacts', s.contact))!;
    const same = await tx
      .selectFrom('pcs_oncall_shifts')
      .select('id')
      .where('contact_id', '=', contactId)
      .where('line', '=', s.line)
      .where('starts_at', '=', new Date(s.startsAt))
      .executeTakeFirst();
    if (same) {
      await tx.updateTable('pcs_oncall_shifts').set({ ends_at: new Date(s.endsAt) }).where('id', '=', same.id).execute();
      count(updated, 'oncall');
    } else {
      await tx.insertInto('pcs_oncall_shifts').values({ organisation_id: org, contact_id: contactId, line: s.line, starts_at: new Date(s.startsAt), ends_at: new Date(s.endsAt) }).execute();
      count(created, 'oncall');
    }
  }
  for (const m of doc.alertMeans) {
    const id = await byName('pcs_alert_means', m.name);
    if (id) {
      await tx.updateTable('pcs_alert_means').set({ name: m.name, coverage: m.coverage, rules: m.rules, archived: false, updated_at: sql`now()` }).where('id', '=', id).execute();
      count(updated, 'alertMeans');
    } else {
      await tx.insertInto('pcs_alert_means').values({ organisation_id: org, name: m.name, coverage: m.coverage, rules: m.rules }).execute();
      count(created, 'alertMeans');
    }
  }
  for (const r of doc.resources) {
    const values = { name: r.name, kind: r.kind, address: r.address, lon: r.position?.lon ?? null, lat: r.position?.lat ?? null, capacity: r.capacity, note: r.note };
    const id = await byName('resources', r.name);
    if (id) {
      // The status (engaged, unavailable) is the crisis room's, not the file's.
      await tx.updateTable('resources').set({ ...values, archived: false, version: sql`version + 1`, updated_at: sql`now()` }).where('id', '=', id).execute();
      count(updated, 'resources');
    } else {
      await tx.insertInto('resources').values({ organisation_id: org, ...values }).execute();
      count(created, 'resources');
    }
  }
  for (const s of doc.sites) {
    const values = { name: s.name, kind: s.kind, address: s.address, lon: s.position.lon, lat: s.position.lat, capacity: s.capacity, phone: s.phone, notes: s.notes };
    const id = await byName('pcs_sites', s.name);
    if (id) {
      await tx.updateTable('pcs_sites').set({ ...values, archived: false, updated_at: sql`now()` }).where('id', '=', id).execute();
      count(updated, 'sites');
    } else {
      await tx.insertInto('pcs_sites').values({ organisation_id: org, ...values }).execute();
      count(created, 'sites');
    }
  }
  return { created, updated };
}

async function announce(services: Services, tx: Kysely<DB>, org: string, doc: Pick<PlanDocument, 'risks' | 'contacts' | 'oncall' | 'alertMeans' | 'resources' | 'sites'>) {
  const topic = topicOf('organisation', org);
  if (doc.risks.length) await services.realtime.publish(tx, topic, { kind: 'plan.changed', part: 'risks' });
  if (doc.contacts.length || doc.oncall.length || doc.alertMeans.length) await services.realtime.publish(tx, topic, { kind: 'plan.changed', part: 'directory' });
  if (doc.resources.length) await services.realtime.publish(tx, topic, { kind: 'plan.changed', part: 'resources' });
  if (doc.sites.length) await services.realtime.publish(tx, topic, { kind: 'plan.changed', part: 'sites' });
}

export async function importPlan(services: Services, auth: AuthContext, actor: Actor, doc: PlanDocument, source = 'json'): Promise<PlanImportResult> {
  const org = auth.user.organisationId;
  const known = new Set((await services.db.selectFrom('pcs_contacts').select('name').where('organisation_id', '=', org).execute()).map((c) => c.name.toLowerCase()));
  const issues = crossChecks(doc, known);
  if (issues.length) throw new AppError('import_invalid', issues.slice(0, MAX_ISSUES));
  return services.db.transaction().execute(async (tx) => {
    const result = await writePlanDocument(tx, org, auth.user.displayName, actor, doc);
    await recordAudit(tx, actor, { action: 'plan.imported', entityType: 'plan', entityId: org, organisationId: org, changes: { source, ...result } });
    await announce(services, tx, org, doc);
    return result;
  });
}

/** The plan as a document that `importPlan` takes back (without the register of vulnerable people). */
export async function exportPlan(services: Services, auth: AuthContext): Promise<PlanDocument> {
  const org = auth.user.organisationId;
  const db = services.db;
  const [plan, risks, sheets, contacts, oncall, means, resources, sites] = await Promise.all([
    db.selectFrom('pcs_plans').select([sql<string | null>`to_char(last_revision_on, 'YYYY-MM-DD')`.as('r'), sql<string | null>`to_char(last_exercise_on, 'YYYY-MM-DD')`.as('e')]).where('organisation_id', '=', org).executeTakeFirst(),
    db.selectFrom('pcs_risks').selectAll().where('organisation_id', '=', org).where('archived', '=', false).orderBy('position').orderBy('name').execute(),
    db
      .selectFrom('pcs_reflex_sheets as s')
      .innerJoin('crisis_functions as f', 'f.id', 's.function_id')
      .select(['s.risk_id', 's.title', 's.steps', 'f.name as fn'])
      .where('s.organisation_id', '=', org)
      .where('s.archived', '=', false)
      .orderBy('s.position')
      .execute(),
    db.selectFrom('pcs_contacts').selectAll().where('organisation_id', '=', org).where('archived', '=', false).orderBy('name').execute(),
    db.selectFrom('pcs_oncall_shifts as s').innerJoin('pcs_contacts as c', 'c.id', 's.contact_id').select(['c.name', 's.line', 's.starts_at', 's.ends_at']).where('s.organisation_id', '=', org).orderBy('s.starts_at').execute(),
    db.selectFrom('pcs_alert_means').selectAll().where('organisation_id', '=', org).where('archived', '=', false).orderBy('name').execute(),
    db.selectFrom('resources').selectAll().where('organisation_id', '=', org).where('archived', '=', false).orderBy('kind').orderBy('name').execute(),
    db.selectFrom('pcs_sites').selectAll().where('organisation_id', '=', org).where('archived', '=', false).orderBy('kind').orderBy('name').execute(),
  ]);
  return {
    format: 'vigie-pcs',
    version: 1,
    upkeep: { lastRevisionOn: plan?.r ?? null, lastExerciseOn: plan?.e ?? null },
    risks: risks.map((r) => ({ name: r.name, description: r.description, sheets: sheets.filter((s) => s.risk_id === r.id).map((s) => ({ title: s.title, function: s.fn, steps: s.steps })) })),
    contacts: contacts.map((c) => ({ name: c.name, service: c.service, function: c.function_label, phone: c.phone, phoneAlt: c.phone_alt, email: c.email, notes: c.notes })),
    oncall: oncall.map((s) => ({ contact: s.name, line: s.line, startsAt: s.starts_at.toISOString(), endsAt: s.ends_at.toISOString() })),
    alertMeans: means.map((m) => ({ name: m.name, coverage: m.coverage, rules: m.rules })),
    resources: resources.map((r) => ({ name: r.name, kind: r.kind, address: r.address, position: r.lon !== null && r.lat !== null ? { lon: r.lon, lat: r.lat } : null, capacity: r.capacity, note: r.note })),
    sites: sites.map((s) => ({ name: s.name, kind: s.kind, address: s.address, position: { lon: s.lon, lat: s.lat }, capacity: s.capacity, phone: s.phone, notes: s.notes })),
  };
}

export async function exportCsv(services: Services, auth: AuthContext, kind: 'contacts' | 'resources'): Promise<string> {
  const doc = await exportPlan(services, auth);
  if (kind === 'contacts') return csvDocument([[...CONTACTS_CSV_COLUMNS], ...doc.contacts.map((c) => [c.name, c.service, c.function, c.phone, c.phoneAlt, c.email, c.notes])]);
  return csvDocument([
    [...RESOURCES_CSV_COLUMNS],
    ...doc.resources.map((r) => [r.name, resourceKindLabels[r.kind], r.address, r.position?.lon ?? '', r.position?.lat ?? '', r.capacity ?? '', r.note]),
  ]);
}

/** A resource type written as its code (vehicle) or its French label (Véhicule, centre d'hébergement). */
function resourceKindOf(raw: string): ResourceKind | null {
  const k = normaliseHeader(raw);
  for (const kind of resourceKinds) if (k === kind || k === normaliseHeader(resourceKindLabels[kind])) return kind;
  const aliases: Record<string, ResourceKind> = { vehicule: 'vehicle', materiel: 'equipment', salle: 'room', hebergement: 'shelter', centre_d_hebergement: 'shelter', equipe: 'team' };
  return aliases[k] ?? null;
}

/** A CSV of the directory or of the resources: every line checked, then all written or nothing. */
export async function importCsv(services: Services, auth: AuthContext, actor: Actor, kind: 'contacts' | 'resources', file: MultipartFile | undefined): Promise<PlanImportResult> {
  const upload = await readUpload(file, CSV_MAX_BYTES);
  const table = parseCsv(upload.data);
  const expected: readonly string[] = kind === 'contacts' ? CONTACTS_CSV_COLUMNS : RESOURCES_CSV_COLUMNS;
  const issues: ImportIssue[] = [];
  const col = new Map<string, number>();
  table.header.forEach((h, i) => {
    const n = normaliseHeader(h);
    if (!expected.includes(n)) issues.push({ line: 1, column: h, code: 'unknown_column', message: `Colonne inconnue « ${h} » : colonnes attendues ${expected.join(', ')}.` });
    else if (col.has(n)) issues.push({ line: 1, column: h, code: 'duplicate_column', message: `Colonne « ${h} » en double.` });
    else col.set(n, i);
  });
  if (!col.has('nom')) issues.push({ line: 1, column: 'nom', code: 'missing_column', message: 'Colonne « nom » absente de l’en-tête.' });
  if (kind === 'resources' && !col.has('type')) issues.push({ line: 1, column: 'type', code: 'missing_column', message: 'Colonne « type » absente de l’en-tête.' });
  if (issues.length) throw new AppError('import_invalid', issues);
  if (table.rows.length === 0) throw new AppError('import_invalid', [{ line: 2, code: 'empty', message: 'Aucune ligne après l’en-tête.' }]);

  const doc = planDocumentSchema.parse({ format: 'vigie-pcs', version: 1 });
  for (const { line, cells } of table.rows) {
    if (issues.length >= MAX_ISSUES) break;
    const cell = (name: string) => (col.has(name) ? (cells[col.get(name)!] ?? '').trim() : '');
    if (kind === 'contacts') {
      const c = { name: cell('nom'), service: cell('service'), function: cell('fonction'), phone: cell('telephone'), phoneAlt: cell('telephone_2'), email: cell('courriel'), notes: cell('notes') };
      const parsed = planDocumentSchema.shape.contacts.unwrap().element.safeParse(c);
      if (!parsed.success) for (const i of parsed.error.issues) issues.push({ line, column: String(i.path[0] ?? ''), code: 'invalid_value', message: i.message });
      else doc.contacts.push(parsed.data);
    } else {
      const resourceKind = resourceKindOf(cell('type'));
      if (!resourceKind) issues.push({ line, column: 'type', code: 'unknown_kind', message: `Type « ${cell('type')} » inconnu : ${resourceKinds.map((k) => resourceKindLabels[k]).join(', ')}.` });
      const num = (name: string) => {
        const raw = cell(name).replace(',', '.');
        if (raw === '') return null;
        const v = Number(raw);
        if (!Number.isFinite(v)) {
          issues.push({ line, column: name, code: 'not_a_number', message: `« ${cell(name)} » n’est pas un nombre.` });
          return undefined;
        }
        return v;
      };
      const lon = num('longitude');
      const lat = num('latitude');
      const capacity = num('capacite');
      if ((lon === null) !== (lat === null)) issues.push({ line, column: 'longitude', code: 'invalid_position', message: 'Longitude et latitude vont ensemble (les deux ou aucune).' });
      if (!resourceKind || lon === undefined || lat === undefined || capacity === undefined) continue;
      const parsed = resourceFieldsSchema.safeParse({
        name: cell('nom'),
        kind: resourceKind,
        address: cell('adresse'),
        position: lon !== null && lat !== null ? { lon, lat } : null,
        capacity,
        note: cell('note'),
      });
      if (!parsed.success) for (const i of parsed.error.issues) issues.push({ line, column: String(i.path[0] ?? ''), code: 'invalid_value', message: i.message });
      else doc.resources.push(parsed.data);
    }
  }
  // Names twice in the file, reported with their lines (every line parsed, so names and lines align).
  if (issues.length) throw new AppError('import_invalid', issues.slice(0, MAX_ISSUES).sort((a, b) => a.line - b.line));
  const seen = new Map<string, number>();
  const names = kind === 'contacts' ? doc.contacts.map((c) => c.name) : doc.resources.map((r) => r.name);
  const lines = table.rows.map((r) => r.line);
  names.forEach((n, i) => {
    const k = n.toLowerCase();
    if (seen.has(k)) issues.push({ line: lines[i] ?? 0, column: 'nom', code: 'duplicate', message: `« ${n} » figure déjà ligne ${seen.get(k)}.` });
    else seen.set(k, lines[i] ?? 0);
  });
  if (issues.length) throw new AppError('import_invalid', issues.slice(0, MAX_ISSUES).sort((a, b) => a.line - b.line));
  return importPlan(services, auth, actor, doc, `csv:${kind}`);
}
