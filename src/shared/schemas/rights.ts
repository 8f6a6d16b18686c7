import { z } from 'zod';
import { roles } from '../permissions';
import { isoDateTimeSchema, uuidSchema } from './common';

// ---- audience (who sees and who writes an event type or an event) ----

export const accessLevels = ['read', 'write'] as const;
export type AccessLevel = (typeof accessLevels)[number];
export const accessLevelLabels: Record<AccessLevel, string> = { read: 'Lecture', write: 'Lecture et écriture' };

export const principalKinds = ['role', 'function', 'user'] as const;
export type PrincipalKind = (typeof principalKinds)[number];

/** One line of an audience: a role, a crisis-cell function or a named account, with its access. */
export const audienceGrantSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('role'), role: z.enum(roles, { message: 'Rôle inconnu.' }), access: z.enum(accessLevels) }),
  z.strictObject({ kind: z.literal('function'), functionId: uuidSchema, access: z.enum(accessLevels) }),
  z.strictObject({ kind: z.literal('user'), userId: uuidSchema, access: z.enum(accessLevels) }),
]);
export type AudienceGrant = z.infer<typeof audienceGrantSchema>;

/** A grant as read back, with the name of what it designates. */
export const audienceGrantViewSchema = z.object({
  kind: z.enum(principalKinds),
  role: z.enum(roles).nullable(),
  functionId: uuidSchema.nullable(),
  userId: uuidSchema.nullable(),
  label: z.string(),
  access: z.enum(accessLevels),
});
export type AudienceGrantView = z.infer<typeof audienceGrantViewSchema>;

export const typeAudienceModes = ['organisation', 'restricted'] as const;
export type TypeAudienceMode = (typeof typeAudienceModes)[number];
export const eventAudienceModes = ['inherit', 'organisation', 'restricted'] as const;
export type EventAudienceMode = (typeof eventAudienceModes)[number];
export const audienceModeLabels: Record<EventAudienceMode, string> = {
  inherit: 'Comme son type (ou son événement parent)',
  organisation: 'Toute l’organisation',
  restricted: 'Liste restreinte',
};

const grantsSchema = z
  .array(audienceGrantSchema)
  .max(200, { message: '200 lignes au plus.' })
  .default([]);

export const typeAudienceSchema = z.object({
  eventTypeId: uuidSchema,
  mode: z.enum(typeAudienceModes),
  grants: z.array(audienceGrantViewSchema),
});
export type TypeAudience = z.infer<typeof typeAudienceSchema>;

export const putTypeAudienceBodySchema = z
  .strictObject({ mode: z.enum(typeAudienceModes, { message: 'Mode inconnu.' }), grants: grantsSchema })
  .refine((v) => v.mode === 'organisation' || v.grants.length > 0, { message: 'Une liste restreinte a au moins une ligne.', path: ['grants'] });
export type PutTypeAudienceBody = z.infer<typeof putTypeAudienceBodySchema>;

export const eventAudienceSchema = z.object({
  eventId: uuidSchema,
  mode: z.enum(eventAudienceModes),
  grants: z.array(audienceGrantViewSchema),
  /** Where the audience comes from when the event follows it. */
  inheritedFrom: z.enum(['type', 'parent']),
  /** What applies in the end, in French ("Liste restreinte du type « Crise sanitaire »"). */
  effective: z.string(),
  /** Members of the organisation who see the event now, and how many may write. */
  readers: z.number().int(),
  writers: z.number().int(),
});
export type EventAudience = z.infer<typeof eventAudienceSchema>;

export const putEventAudienceBodySchema = z
  .strictObject({ mode: z.enum(eventAudienceModes, { message: 'Mode inconnu.' }), grants: grantsSchema })
  .refine((v) => v.mode !== 'restricted' || v.grants.length > 0, { message: 'Une liste restreinte a au moins une ligne.', path: ['grants'] });
export type PutEventAudienceBody = z.infer<typeof putEventAudienceBodySchema>;

/** People who may be given an action on an event (they see it), with their functions. */
export const assigneesSchema = z.object({
  users: z.array(z.object({ id: uuidSchema, displayName: z.string(), functionIds: z.array(uuidSchema) })),
  functions: z.array(z.object({ id: uuidSchema, name: z.string() })),
});
export type Assignees = z.infer<typeof assigneesSchema>;

// ---- guests ----

export const GUEST_LINK_MAX_DAYS = 30;

export const guestLinkSchema = z.object({
  id: uuidSchema,
  eventId: uuidSchema,
  label: z.string(),
  access: z.enum(accessLevels),
  includeChildren: z.boolean(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  createdByName: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  useCount: z.number().int(),
  /** Names given by the guests who joined with this link. */
  guests: z.array(z.string()),
  state: z.enum(['active', 'expired', 'revoked']),
});
export type GuestLink = z.infer<typeof guestLinkSchema>;
export const guestLinksListSchema = z.object({ links: z.array(guestLinkSchema) });

export const createGuestLinkBodySchema = z.strictObject({
  label: z.string({ message: 'Indiquez pour qui est le lien.' }).trim().min(1, { message: 'Indiquez pour qui est le lien.' }).max(120, { message: '120 caractères au plus.' }),
  access: z.enum(accessLevels, { message: 'Accès inconnu.' }),
  includeChildren: z.boolean().default(false),
  expiresAt: isoDateTimeSchema,
});
export type CreateGuestLinkBody = z.infer<typeof createGuestLinkBodySchema>;

/** The link is shown once: only its hash is stored. `path` is `/invite#<token>`. */
export const createdGuestLinkSchema = z.object({ link: guestLinkSchema, token: z.string(), path: z.string() });

const guestToken = z.string({ message: 'Lien requis.' }).min(16, { message: 'Lien invalide.' }).max(100, { message: 'Lien invalide.' });
export const guestCheckBodySchema = z.strictObject({ token: guestToken });
export const guestJoinBodySchema = z.strictObject({
  token: guestToken,
  name: z.string({ message: 'Indiquez votre nom.' }).trim().min(2, { message: 'Indiquez votre nom (2 caractères au moins).' }).max(80, { message: 'Nom trop long (80 caractères au plus).' }),
});
export type GuestJoinBody = z.infer<typeof guestJoinBodySchema>;

export const guestInvitationSchema = z.object({
  eventId: uuidSchema,
  eventTitle: z.string(),
  hostOrganisation: z.string(),
  access: z.enum(accessLevels),
  includeChildren: z.boolean(),
  expiresAt: z.string(),
});
export type GuestInvitation = z.infer<typeof guestInvitationSchema>;

/** Suffix added to a guest's name wherever it is shown or written. */
export const GUEST_SUFFIX = ' (invité)';
