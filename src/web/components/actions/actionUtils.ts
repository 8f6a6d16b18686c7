// Actions to follow up: overdue, order, who may change them. Pure: unit-tested in actionUtils.test.ts.

import type { SessionInfo } from '../../../shared';
import { openActionStatuses, type Action, type ActionStatus } from '../../../shared/schemas/actions';

export function isOpen(status: ActionStatus): boolean {
  return openActionStatuses.includes(status);
}

/** Open and past its due time (the server's `overdue` is as of the request; time goes on). */
export function isOverdue(a: { status: ActionStatus; dueAt: string | null; overdue?: boolean }, now: Date = new Date()): boolean {
  if (!isOpen(a.status)) return false;
  if (a.overdue) return true;
  return a.dueAt !== null && new Date(a.dueAt).getTime() < now.getTime();
}

/** Overdue first, then open before closed, then by due time (none last), then newest. */
export function sortActions(list: readonly Action[], now: Date = new Date()): Action[] {
  const due = (a: Action) => (a.dueAt ? new Date(a.dueAt).getTime() : Number.POSITIVE_INFINITY);
  return [...list].sort(
    (a, b) =>
      Number(isOverdue(b, now)) - Number(isOverdue(a, now)) ||
      Number(isOpen(b.status)) - Number(isOpen(a.status)) ||
      due(a) - due(b) ||
      b.createdAt.localeCompare(a.createdAt),
  );
}

/**
 * Whether this person may change the status, when the server did not say (live messages carry
 * `canChange: false`): the assignee, a holder of the assigned function, or whoever manages events,
 * with write access to the event.
 */
export function localCanChange(a: Pick<Action, 'assigneeUserId' | 'assigneeFunctionId'>, session: SessionInfo, writeAccess: boolean): boolean {
  if (!writeAccess || session.guest || !session.permissions.includes('logbook.write')) return false;
  if (a.assigneeUserId !== null && a.assigneeUserId === session.user.id) return true;
  if (a.assigneeFunctionId !== null && session.functionIds.includes(a.assigneeFunctionId)) return true;
  return session.permissions.includes('events.manage');
}

/**
 * Merges an action received live: a known one keeps what the server said about `canChange`; an
 * unknown one gets the local guess. Returns the same list when nothing changed.
 */
export function mergeAction(list: readonly Action[], incoming: Action, guess: (a: Action) => boolean): Action[] {
  const i = list.findIndex((a) => a.id === incoming.id);
  if (i < 0) return [...list, { ...incoming, canChange: guess(incoming) }];
  const known = list[i];
  if (known.updatedAt > incoming.updatedAt) return list as Action[];
  const next = [...list];
  next[i] = { ...incoming, canChange: known.canChange };
  return next;
}

/** The statuses a person can move an action to, from the one it has. */
export function nextStatuses(status: ActionStatus): ActionStatus[] {
  switch (status) {
    case 'todo':
      return ['doing', 'done', 'cancelled'];
    case 'doing':
      return ['done', 'todo', 'cancelled'];
    case 'done':
    case 'cancelled':
      return ['todo'];
  }
}

/**
 * The entries of a page with the new state of an action shown on the entry that started it.
 * Returns the same list when no entry shows that action.
 */
export function withEntryAction<E extends { action: { id: string; status: ActionStatus; assigneeName: string; dueAt: string | null } | null }>(
  entries: E[],
  action: Pick<Action, 'id' | 'status' | 'assigneeName' | 'dueAt'>,
): E[] {
  let changed = false;
  const next = entries.map((e) => {
    if (!e.action || e.action.id !== action.id) return e;
    if (e.action.status === action.status && e.action.assigneeName === action.assigneeName && e.action.dueAt === action.dueAt) return e;
    changed = true;
    return { ...e, action: { ...e.action, status: action.status, assigneeName: action.assigneeName, dueAt: action.dueAt } };
  });
  return changed ? next : entries;
}
