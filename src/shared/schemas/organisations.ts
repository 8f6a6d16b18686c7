import { z } from 'zod';
import { organisationSummarySchema } from './auth';
import { uuidSchema } from './common';

export const organisationsListSchema = z.object({ organisations: z.array(organisationSummarySchema) });

/** Resource types an organisation may share with another one. Later capabilities add theirs. */
/** `event_types`: every event of one type (resourceId) or of every type (null), even one restricted to a list. */
export const shareableResourceTypes = ['announcements', 'events', 'event_types'] as const;
export type ShareableResourceType = (typeof shareableResourceTypes)[number];
export const shareAccessLevels = ['read', 'write'] as const;
export type ShareAccess = (typeof shareAccessLevels)[number];

export const shareSchema = z.object({
  id: uuidSchema,
  ownerOrganisationId: uuidSchema,
  granteeOrganisationId: uuidSchema,
  granteeOrganisationName: z.string(),
  resourceType: z.enum(shareableResourceTypes),
  resourceId: uuidSchema.nullable(),
  access: z.enum(shareAccessLevels),
  createdAt: z.string(),
});
export type Share = z.infer<typeof shareSchema>;

export const createShareBodySchema = z.strictObject({
  granteeOrganisationId: uuidSchema,
  resourceType: z.enum(shareableResourceTypes, { message: 'Type de ressource inconnu.' }),
  resourceId: uuidSchema.nullable().default(null),
  access: z.enum(shareAccessLevels, { message: 'Niveau d’accès inconnu.' }),
});
export type CreateShareBody = z.infer<typeof createShareBodySchema>;

export const sharesListSchema = z.object({ shares: z.array(shareSchema) });
