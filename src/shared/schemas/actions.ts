import { z } from 'zod';
import { isoDateTimeSchema, uuidSchema } from './common';

export const actionStatuses = ['todo', 'doing', 'done', 'cancelled'] as const;
export type ActionStatus = (typeof actionStatuses)[number];
export const actionStatusLabels: Record<ActionStatus, string> = { todo: 'À faire', doing: 'En cours', done: 'Fait', cancelled: 'Annulé' };
export const openActionStatuses: readonly ActionStatus[] = ['todo', 'doing'];

/** Given when an entry is written as an action: one assignee (a person or a function), an optional due time. */
export const newActionSchema = z
  .strictObject({
    assigneeUserId: uuidSchema.nullable().default(null),
    assigneeFunctionId: uuidSchema.nullable().default(null),
    dueAt: isoDateTimeSchema.nullable().default(null),
  })
  .refine((a) => (a.assigneeUserId === null) !== (a.assigneeFunctionId === null), { message: 'Assignez l’action à une personne ou à une fonction.', path: ['assigneeUserId'] });
export type NewAction = z.infer<typeof newActionSchema>;

export const actionSchema = z.object({
  id: uuidSchema,
  eventId: uuidSchema,
  eventTitle: z.string(),
  entryId: uuidSchema,
  entrySeq: z.number().int(),
  title: z.string(),
  assigneeUserId: uuidSchema.nullable(),
  assigneeFunctionId: uuidSchema.nullable(),
  assigneeName: z.string(),
  dueAt: z.string().nullable(),
  status: z.enum(actionStatuses),
  overdue: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Whether the person asking may change its status (assignee, holder of the function, coordinator). */
  canChange: z.boolean(),
});
export type Action = z.infer<typeof actionSchema>;
export const actionsListSchema = z.object({ actions: z.array(actionSchema) });

export const actionsQuerySchema = z.strictObject({
  status: z.enum(['open', 'all', ...actionStatuses]).default('open'),
  mine: z.enum(['true', 'false']).default('false'),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

export const changeActionStatusBodySchema = z.strictObject({
  status: z.enum(actionStatuses, { message: 'Statut inconnu.' }),
  comment: z.string().trim().max(1000, { message: 'Commentaire trop long (1 000 caractères au plus).' }).default(''),
});
export type ChangeActionStatusBody = z.infer<typeof changeActionStatusBodySchema>;

/** What an entry shows of the action it started (its current state). */
export const entryActionSchema = z.object({
  id: uuidSchema,
  status: z.enum(actionStatuses),
  assigneeName: z.string(),
  dueAt: z.string().nullable(),
});
