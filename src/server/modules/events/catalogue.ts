import { sql, type Kysely } from 'kysely';
import type { CatalogueRow, DB } from '../../db/schema';
import type { Actor, Services } from '../../http/context';
import { AppError, notFound } from '../../http/errors';
import type { CatalogueItem } from '../../../shared/schemas/logbook';
import { recordAudit } from '../audit';

/** The three per-organisation catalogues of the main courante share one shape and one code path. */
export type CatalogueTableName = 'event_types' | 'crisis_functions' | 'action_tags';

const entityOf: Record<CatalogueTableName, string> = { event_types: 'event_type', crisis_functions: 'crisis_function', action_tags: 'action_tag' };

export function presentItem(r: CatalogueRow): CatalogueItem {
  return { id: r.id, name: r.name, position: r.position, archived: r.archived };
}

export async function listCatalogue(db: Kysely<DB>, table: CatalogueTableName, organisationId: string): Promise<CatalogueItem[]> {
  const rows = await db.selectFrom(table).selectAll().where('organisation_id', '=', organisationId).orderBy('position').orderBy(sql`lower(name)`).execute();
  return rows.map(presentItem);
}

/** Active items of the catalogue among `ids`; throws `code` when one is unknown or archived. */
export async function requireActiveItems(db: Kysely<DB>, table: CatalogueTableName, organisationId: string, ids: string[], code: 'unknown_tag' | 'unknown_function' | 'unknown_event_type'): Promise<CatalogueRow[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const rows = await db.selectFrom(table).selectAll().where('organisation_id', '=', organisationId).where('id', 'in', unique).where('archived', '=', false).execute();
  if (rows.length !== unique.length) throw new AppError(code);
  const order = new Map(unique.map((id, i) => [id, i]));
  return rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
}

function uniqueViolation(err: unknown): boolean {
  return String((err as { code?: string }).code) === '23505';
}

export async function createItem(services: Services, table: CatalogueTableName, organisationId: string, actor: Actor, body: { name: string; position?: number }): Promise<CatalogueItem> {
  return services.db.transaction().execute(async (tx) => {
    const max = await tx.selectFrom(table).select((eb) => eb.fn.max('position').as('m')).where('organisation_id', '=', organisationId).executeTakeFirst();
    const row = await tx
      .insertInto(table)
      .values({ organisation_id: organisationId, name: body.name, position: body.position ?? Number(max?.m ?? 0) + 1 })
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch((err: unknown) => {
        if (uniqueViolation(err)) throw new AppError('name_taken');
        throw err;
      });
    await recordAudit(tx, actor, { action: `${entityOf[table]}.created`, entityType: entityOf[table], entityId: row.id, organisationId, changes: { name: row.name } });
    return presentItem(row);
  });
}

export async function updateItem(
  services: Services,
  table: CatalogueTableName,
  organisationId: string,
  actor: Actor,
  id: string,
  body: { name?: string; position?: number; archived?: boolean },
): Promise<CatalogueItem> {
  return services.db.transaction().execute(async (tx) => {
    const before = await tx.selectFrom(table).selectAll().where('id', '=', id).where('organisation_id', '=', organisationId).forUpdate().executeTakeFirst();
    if (!before) throw notFound();
    const set: Partial<Pick<CatalogueRow, 'name' | 'position' | 'archived'>> = {};
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const k of ['name', 'position', 'archived'] as const) {
      const v = body[k];
      if (v !== undefined && v !== before[k]) {
        (set as Record<string, unknown>)[k] = v;
        changes[k] = { from: before[k], to: v };
      }
    }
    if (Object.keys(set).length === 0) return presentItem(before);
    const row = await tx
      .updateTable(table)
      .set(set)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch((err: unknown) => {
        if (uniqueViolation(err)) throw new AppError('name_taken');
        throw err;
      });
    await recordAudit(tx, actor, { action: `${entityOf[table]}.updated`, entityType: entityOf[table], entityId: id, organisationId, changes });
    return presentItem(row);
  });
}
