import { z } from 'zod';
import { uuidSchema } from './common';

export const auditRecordSchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actorUserId: uuidSchema.nullable(),
  actorName: z.string().nullable(),
  actorOrganisationId: uuidSchema.nullable(),
  organisationId: uuidSchema.nullable(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  changes: z.unknown(),
  ip: z.string().nullable(),
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;

export const auditQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().positive().optional(),
  entityType: z.string().max(64).optional(),
});
export const auditListSchema = z.object({ records: z.array(auditRecordSchema), nextBefore: z.number().nullable() });

export const auditActionLabels: Record<string, string> = {
  'auth.login': 'Connexion',
  'auth.logout': 'Déconnexion',
  'auth.login_failed': 'Échec de connexion',
  'auth.account_locked': 'Verrouillage du compte (trop d’échecs)',
  'auth.logout_all': 'Déconnexion de toutes les sessions',
  'auth.password_changed': 'Changement de mot de passe',
  'user.created': 'Création d’un compte',
  'user.updated': 'Modification d’un compte',
  'user.password_reset': 'Réinitialisation du mot de passe',
  'user.unlocked': 'Déverrouillage d’un compte',
  'share.created': 'Création d’un partage',
  'share.deleted': 'Suppression d’un partage',
  'announcement.created': 'Publication d’un message',
  'organisation.created': 'Création d’une organisation',
};
