import { z } from 'zod';
import { isoDateTimeSchema, uuidSchema } from './common';
import { entryActionSchema, newActionSchema } from './actions';
import { eventAudienceModes } from './rights';

// ---- catalogues (event types, crisis-cell functions, action tags) ----

export const catalogueKinds = ['eventTypes', 'functions', 'tags'] as const;
export type CatalogueKind = (typeof catalogueKinds)[number];

export const catalogueItemSchema = z.object({ id: uuidSchema, name: z.string(), position: z.number().int(), archived: z.boolean() });
export type CatalogueItem = z.infer<typeof catalogueItemSchema>;
export const catalogueListSchema = z.object({ items: z.array(catalogueItemSchema) });

const catalogueName = z
  .string({ message: 'Nom requis.' })
  .trim()
  .min(1, { message: 'Le nom ne peut pas être vide.' })
  .max(60, { message: 'Nom trop long (60 caractères au plus).' });
export const createCatalogueItemBodySchema = z.strictObject({ name: catalogueName, position: z.number().int().min(0).max(10_000).optional() });
export const updateCatalogueItemBodySchema = z
  .strictObject({ name: catalogueName.optional(), position: z.number().int().min(0).max(10_000).optional(), archived: z.boolean().optional() })
  .refine((v) => Object.keys(v).length > 0, { message: 'Aucune modification demandée.' });

// Default catalogues are seeded by the database for every new organisation (migration 0002).

// ---- events ----

export const eventStatuses = ['watch', 'active', 'closed'] as const;
export type EventStatus = (typeof eventStatuses)[number];
export const eventStatusLabels: Record<EventStatus, string> = { watch: 'Veille', active: 'Activé', closed: 'Clos' };

export const severityLevels = [1, 2, 3, 4] as const;
export type Severity = (typeof severityLevels)[number];
/** French vigilance scale (Météo-France colours). */
export const severityInfo: Record<Severity, { label: string; colour: string; text: string }> = {
  1: { label: 'Vert', colour: '#2e8540', text: '#ffffff' },
  2: { label: 'Jaune', colour: '#ffd500', text: '#1e1e1e' },
  3: { label: 'Orange', colour: '#ff8c00', text: '#1e1e1e' },
  4: { label: 'Rouge', colour: '#d4121e', text: '#ffffff' },
};

const position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
const ring = z.array(position).min(4, { message: 'Un contour a au moins 4 points.' });
/** A place in WGS 84 (EPSG:4326): a point or an area. */
export const placeSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('Point'), coordinates: position }),
  z.strictObject({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1).max(50) }),
  z.strictObject({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring).min(1)).min(1).max(50) }),
]);
export type Place = z.infer<typeof placeSchema>;

export const eventSummarySchema = z.object({
  id: uuidSchema,
  organisationId: uuidSchema,
  typeId: uuidSchema,
  typeName: z.string(),
  parentId: uuidSchema.nullable(),
  title: z.string(),
  description: z.string(),
  status: z.enum(eventStatuses),
  severity: z.number().int().min(1).max(4),
  startsAt: z.string(),
  endsAt: z.string().nullable(),
  place: placeSchema.nullable(),
  createdBy: uuidSchema,
  createdByName: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().nullable(),
  entryCount: z.number().int(),
  lastEntryAt: z.string().nullable(),
  childCount: z.number().int(),
  /** The event's own audience setting (see schemas/rights.ts). */
  audience: z.enum(eventAudienceModes),
  /** The risk of the safeguard plan the event is about (its reflex sheets are proposed). */
  riskId: uuidSchema.nullable(),
  riskName: z.string().nullable(),
  /** An exercise, not a real event (plan upkeep counts it as the last exercise). */
  exercise: z.boolean(),
  /** In effect open to less than the whole organisation (its list, an ancestor's, or its type's). */
  restricted: z.boolean(),
});
export type EventSummary = z.infer<typeof eventSummarySchema>;

export const eventDetailSchema = eventSummarySchema.extend({
  ancestors: z.array(z.object({ id: uuidSchema, title: z.string(), status: z.enum(eventStatuses) })),
  children: z.array(eventSummarySchema),
  /** What the person asking may do here: write entries, manage the event (audience, guests). */
  myAccess: z.object({ write: z.boolean(), manage: z.boolean() }),
});
export type EventDetail = z.infer<typeof eventDetailSchema>;

export const eventsListSchema = z.object({ events: z.array(eventSummarySchema) });

export const eventsQuerySchema = z.strictObject({
  status: z.enum(eventStatuses).optional(),
  typeId: uuidSchema.optional(),
  parentId: uuidSchema.optional(),
  /** Only top-level events (no parent). */
  roots: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

const title = z.string({ message: 'Titre requis.' }).trim().min(1, { message: 'Le titre ne peut pas être vide.' }).max(200, { message: 'Titre trop long (200 caractères au plus).' });
const description = z.string().trim().max(5000, { message: 'Description trop longue (5 000 caractères au plus).' });

export const createEventBodySchema = z.strictObject({
  typeId: uuidSchema,
  title,
  description: description.default(''),
  status: z.enum(['watch', 'active'], { message: 'Statut initial : veille ou activé.' }).default('active'),
  severity: z.number().int().min(1).max(4).default(1),
  startsAt: isoDateTimeSchema.optional(),
  endsAt: isoDateTimeSchema.nullable().optional(),
  place: placeSchema.nullable().optional(),
  parentId: uuidSchema.nullable().optional(),
  riskId: uuidSchema.nullable().optional(),
  exercise: z.boolean().default(false),
});
export type CreateEventBody = z.infer<typeof createEventBodySchema>;

export const updateEventBodySchema = z
  .strictObject({
    typeId: uuidSchema.optional(),
    title: title.optional(),
    description: description.optional(),
    status: z.enum(['watch', 'active'], { message: 'Pour clore un événement, utilisez « Clore ».' }).optional(),
    severity: z.number().int().min(1).max(4).optional(),
    startsAt: isoDateTimeSchema.optional(),
    endsAt: isoDateTimeSchema.nullable().optional(),
    place: placeSchema.nullable().optional(),
    riskId: uuidSchema.nullable().optional(),
    exercise: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'Aucune modification demandée.' });
export type UpdateEventBody = z.infer<typeof updateEventBodySchema>;

export const reopenEventBodySchema = z.strictObject({
  reason: z.string().trim().min(3, { message: 'Indiquez le motif de la réouverture.' }).max(500),
});

// ---- log entries ----

export const entryKinds = ['entry', 'correction', 'cancellation', 'system'] as const;
export type EntryKind = (typeof entryKinds)[number];

/** How an entry's position was given: the device's location (GPS of a phone) or a click on the map. */
export const entryPositionSources = ['device', 'map'] as const;
export type EntryPositionSource = (typeof entryPositionSources)[number];
/** Where an entry's fact happened, in WGS 84; part of the entry's hash (immutable like its text). */
export const entryPositionSchema = z.strictObject({
  lon: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
  /** Radius of uncertainty in metres (a device's location), null when placed by hand. */
  accuracy: z.number().min(0).max(100_000).nullable().default(null),
  source: z.enum(entryPositionSources).default('map'),
});
export type EntryPosition = z.output<typeof entryPositionSchema>;

export const attachmentSchema = z.object({ id: uuidSchema, fileName: z.string(), contentType: z.string(), sizeBytes: z.number().int(), sha256: z.string() });
export type Attachment = z.infer<typeof attachmentSchema>;

export const entrySchema = z.object({
  id: uuidSchema,
  eventId: uuidSchema,
  seq: z.number().int(),
  kind: z.enum(entryKinds),
  occurredAt: z.string(),
  recordedAt: z.string(),
  authorId: uuidSchema.nullable(),
  authorName: z.string(),
  functionName: z.string().nullable(),
  source: z.string().nullable(),
  text: z.string(),
  important: z.boolean(),
  tags: z.array(z.string()),
  attachments: z.array(attachmentSchema),
  correctsId: uuidSchema.nullable(),
  /** Corrections and cancellations that reference this entry (newest last). */
  correctedBy: z.array(z.object({ id: uuidSchema, seq: z.number().int(), kind: z.enum(entryKinds) })),
  /** Written by a guest invited by link (the name carries "(invité)"). */
  byGuest: z.boolean(),
  /** The action this entry started, in its current state. */
  action: entryActionSchema.nullable(),
  /** Where the fact happened (WGS 84), when the author placed it. */
  position: z.object({ lon: z.number(), lat: z.number(), accuracy: z.number().nullable(), source: z.enum(entryPositionSources) }).nullable(),
  prevHash: z.string().nullable(),
  hash: z.string(),
});
export type Entry = z.infer<typeof entrySchema>;

/** Tolerance for clocks: a time of fact at most this far in the future is accepted. */
export const OCCURRED_AT_FUTURE_TOLERANCE_MS = 5 * 60_000;

export const createEntryBodySchema = z.strictObject({
  text: z.string({ message: 'Texte requis.' }).trim().min(1, { message: 'Le texte ne peut pas être vide.' }).max(20_000, { message: 'Texte trop long (20 000 caractères au plus).' }),
  occurredAt: isoDateTimeSchema.optional(),
  functionId: uuidSchema.nullable().optional(),
  source: z.string().trim().max(200, { message: 'Source trop longue (200 caractères au plus).' }).nullable().optional(),
  tagIds: z.array(uuidSchema).max(20, { message: '20 étiquettes au plus.' }).default([]),
  important: z.boolean().default(false),
  attachmentIds: z.array(uuidSchema).max(10, { message: '10 pièces jointes au plus.' }).default([]),
  /** A correction or a cancellation references the entry it corrects, in the same event. */
  corrects: uuidSchema.optional(),
  kind: z.enum(['entry', 'correction', 'cancellation']).default('entry'),
  /** The entry is an action to follow up: who does it, by when. */
  action: newActionSchema.optional(),
  /** Where the fact happened: the phone's location or a point clicked on the map. */
  position: entryPositionSchema.nullable().optional(),
});
export type CreateEntryBody = z.infer<typeof createEntryBodySchema>;

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
export const entriesQuerySchema = z.strictObject({
  /** Entries with a sequence number below this one (scrolling back). */
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  tag: z.string().max(60).optional(),
  authorId: uuidSchema.optional(),
  functionName: z.string().max(80).optional(),
  source: z.string().max(200).optional(),
  important: bool.optional(),
  from: isoDateTimeSchema.optional(),
  to: isoDateTimeSchema.optional(),
  /** Only entries that carry a position (the event map pages through them). */
  located: bool.optional(),
});
export const entriesPageSchema = z.object({ entries: z.array(entrySchema), nextBefore: z.number().int().nullable() });

export const searchQuerySchema = z.strictObject({
  q: z.string().trim().max(200).default(''),
  tag: z.string().max(60).optional(),
  eventId: uuidSchema.optional(),
  important: bool.optional(),
  from: isoDateTimeSchema.optional(),
  to: isoDateTimeSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
});
export const searchResultSchema = z.object({
  entry: entrySchema,
  eventTitle: z.string(),
  /** The text around the matches, each match between HIGHLIGHT_START and HIGHLIGHT_END, for the UI to highlight without HTML. */
  highlight: z.string(),
});
export const searchResultsSchema = z.object({ results: z.array(searchResultSchema), total: z.number().int() });

export const verifyResultSchema = z.object({
  eventId: uuidSchema,
  entries: z.number().int(),
  valid: z.boolean(),
  headHash: z.string().nullable(),
  firstInvalid: z.object({ id: uuidSchema, seq: z.number().int(), reason: z.string() }).nullable(),
});
export type VerifyResult = z.infer<typeof verifyResultSchema>;

export const HIGHLIGHT_START = '\u0002';
export const HIGHLIGHT_END = '\u0003';

export const exportQuerySchema = z.strictObject({ includeChildren: z.enum(['true', 'false']).default('false') });

export const ATTACHMENT_TYPES: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
};
