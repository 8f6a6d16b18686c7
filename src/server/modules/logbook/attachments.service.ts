import { createHash } from 'node:crypto';
import type { MultipartFile } from '@fastify/multipart';
import type { Actor, AuthContext, Services } from '../../http/context';
import { AppError, notFound } from '../../http/errors';
import type { Attachment } from '../../../shared/schemas/logbook';
import { ATTACHMENT_TYPES } from '../../../shared/schemas/logbook';
import { recordAudit } from '../audit';
import { requireVisibleEvent } from '../events';

/** The type is read from the file's first bytes, never trusted from the name or the browser. */
export function sniffContentType(bytes: Uint8Array): string | null {
  const starts = (sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  return null;
}

function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? 'fichier';
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '_').trim().slice(0, 200);
  return cleaned || 'fichier';
}

export async function uploadAttachment(services: Services, auth: AuthContext, actor: Actor, eventId: string, file: MultipartFile | undefined): Promise<Attachment> {
  const event = await requireVisibleEvent(services.db, auth, eventId);
  if (event.access !== 'write') throw new AppError('forbidden');
  if (event.status === 'closed') throw new AppError('event_closed');
  if (!file) throw new AppError('validation_failed', [{ path: 'file', code: 'required', message: 'Aucun fichier reçu.' }]);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of file.file) {
    size += (chunk as Buffer).length;
    if (size > services.config.attachmentMaxBytes) {
      file.file.resume();
      throw new AppError('attachment_too_large', { maxBytes: services.config.attachmentMaxBytes });
    }
    chunks.push(chunk as Buffer);
  }
  if (file.file.truncated) throw new AppError('attachment_too_large', { maxBytes: services.config.attachmentMaxBytes });
  const data = Buffer.concat(chunks);
  const sniffed = sniffContentType(data);
  if (!sniffed || !(sniffed in ATTACHMENT_TYPES)) throw new AppError('attachment_type_forbidden');
  const declared = file.mimetype === 'image/jpg' ? 'image/jpeg' : file.mimetype;
  if (declared && declared !== 'application/octet-stream' && declared !== sniffed) {
    throw new AppError('attachment_type_forbidden', { declared, detected: sniffed });
  }
  const sha256 = createHash('sha256').update(data).digest('hex');
  const fileName = cleanFileName(file.filename);
  return services.db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('attachments')
      .values({ organisation_id: event.organisation_id, event_id: eventId, file_name: fileName, content_type: sniffed, size_bytes: data.length, sha256, uploaded_by: auth.user.id })
      .returningAll()
      .executeTakeFirstOrThrow();
    await tx.insertInto('attachment_blobs').values({ attachment_id: row.id, data }).execute();
    await recordAudit(tx, actor, { action: 'logbook.attachment_uploaded', entityType: 'attachment', entityId: row.id, organisationId: event.organisation_id, changes: { eventId, fileName, contentType: sniffed, size: data.length, sha256 } });
    return { id: row.id, fileName, contentType: sniffed, sizeBytes: data.length, sha256 };
  });
}

export async function readAttachment(services: Services, auth: AuthContext, id: string) {
  const row = await services.db
    .selectFrom('attachments as a')
    .innerJoin('attachment_blobs as b', 'b.attachment_id', 'a.id')
    .select(['a.id', 'a.event_id', 'a.file_name', 'a.content_type', 'a.size_bytes', 'b.data'])
    .where('a.id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound();
  await requireVisibleEvent(services.db, auth, row.event_id);
  return row;
}
