import { sql } from 'kysely';
import type { VulnerablePersonRow } from '../../db/schema';
import type { Actor, AuthContext, Services } from '../../http/context';
import { notFound } from '../../http/errors';
import { csvDocument } from '../../lib/csv';
import type { VulnerablePerson, VulnerablePersonFields } from '../../../shared/schemas/pcs';
import { recordAudit } from '../audit';

// The register of vulnerable people (PCS, CSI R731-3): personal data. Only its own routes read it,
// all behind `vulnerable.access`; every read (list, export) is an audit record naming who read
// how many people; changes are audited without the personal data itself.

const present = (r: VulnerablePersonRow): VulnerablePerson => ({
  id: r.id,
  fullName: r.full_name,
  address: r.address,
  phone: r.phone,
  vulnerability: r.vulnerability,
  needs: r.needs,
  contact: r.contact,
  updatedAt: r.updated_at.toISOString(),
});

async function rowsOf(services: Services, organisationId: string) {
  return services.db.selectFrom('pcs_vulnerable_people').selectAll().where('organisation_id', '=', organisationId).orderBy(sql`lower(full_name)`).execute();
}

export async function listVulnerablePeople(services: Services, auth: AuthContext, actor: Actor): Promise<VulnerablePerson[]> {
  const org = auth.user.organisationId;
  const rows = await rowsOf(services, org);
  await recordAudit(services.db, actor, { action: 'vulnerable.read', entityType: 'vulnerable_register', entityId: org, organisationId: org, changes: { people: rows.length } });
  return rows.map(present);
}

export async function exportVulnerablePeople(services: Services, auth: AuthContext, actor: Actor): Promise<string> {
  const org = auth.user.organisationId;
  const rows = await rowsOf(services, org);
  await recordAudit(services.db, actor, { action: 'vulnerable.exported', entityType: 'vulnerable_register', entityId: org, organisationId: org, changes: { people: rows.length } });
  return csvDocument([
    ['nom', 'adresse', 'telephone', 'vulnerabilite', 'besoins', 'personne_a_prevenir', 'mis_a_jour'],
    ...rows.map((r) => [r.full_name, r.address, r.phone, r.vulnerability, r.needs, r.contact, r.updated_at.toISOString()]),
  ]);
}

const fieldsToRow = (b: VulnerablePersonFields) => ({
  full_name: b.fullName,
  address: b.address,
  phone: b.phone,
  vulnerability: b.vulnerability,
  needs: b.needs,
  contact: b.contact,
});

export async function createVulnerablePerson(services: Services, auth: AuthContext, actor: Actor, body: VulnerablePersonFields): Promise<VulnerablePerson> {
  const org = auth.user.organisationId;
  return services.db.transaction().execute(async (tx) => {
    const row = await tx.insertInto('pcs_vulnerable_people').values({ organisation_id: org, ...fieldsToRow(body) }).returningAll().executeTakeFirstOrThrow();
    // The audit says that someone was registered, not who (the log is read more widely than the register).
    await recordAudit(tx, actor, { action: 'vulnerable.created', entityType: 'vulnerable_person', entityId: row.id, organisationId: org });
    return present(row);
  });
}

export async function updateVulnerablePerson(services: Services, auth: AuthContext, actor: Actor, id: string, body: VulnerablePersonFields): Promise<VulnerablePerson> {
  const org = auth.user.organisationId;
  return services.db.transaction().execute(async (tx) => {
    const row = await tx
      .updateTable('pcs_vulnerable_people')
      .set({ ...fieldsToRow(body), updated_at: sql`now()` })
      .where('id', '=', id)
      .where('organisation_id', '=', org)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound();
    await recordAudit(tx, actor, { action: 'vulnerable.updated', entityType: 'vulnerable_person', entityId: id, organisationId: org, changes: { fields: Object.keys(body) } });
    return present(row);
  });
}

export async function deleteVulnerablePerson(services: Services, auth: AuthContext, actor: Actor, id: string): Promise<void> {
  const org = auth.user.organisationId;
  await services.db.transaction().execute(async (tx) => {
    const gone = await tx.deleteFrom('pcs_vulnerable_people').where('id', '=', id).where('organisation_id', '=', org).returning('id').executeTakeFirst();
    if (!gone) throw notFound();
    await recordAudit(tx, actor, { action: 'vulnerable.deleted', entityType: 'vulnerable_person', entityId: id, organisationId: org });
  });
}
