import { defineHandlers } from '../../http/route';
import type { AuditRecord } from '../../../shared/schemas/audit';
import { listAudit } from './audit.repository';

export const auditHandlers = defineHandlers({
  // Administrators read the trail of their own organisation only.
  listAudit: async ({ auth, query, services }) => {
    const rows = await listAudit(services.db, auth.user.organisationId, query);
    const page = rows.slice(0, query.limit);
    const records: AuditRecord[] = page.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actorUserId: r.actor_user_id,
      actorName: r.actor_name,
      actorOrganisationId: r.actor_organisation_id,
      organisationId: r.organisation_id,
      action: r.action,
      entityType: r.entity_type,
      entityId: r.entity_id,
      changes: r.changes,
      ip: r.ip,
    }));
    return { records, nextBefore: rows.length > query.limit ? page[page.length - 1].id : null };
  },
});
