import { describe, expect, test } from 'vitest';
import type { SessionInfo } from '../../../shared';
import type { Action } from '../../../shared/schemas/actions';
import { isOverdue, localCanChange, mergeAction, nextStatuses, sortActions, withEntryAction } from './actionUtils';

const now = new Date('2025-11-25T12:00:00Z');
let n = 0;
function action(over: Partial<Action>): Action {
  n += 1;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    eventId: '00000000-0000-4000-8000-0000000000aa',
    eventTitle: 'Crue',
    entryId: '00000000-0000-4000-8000-0000000000bb',
    entrySeq: n,
    title: `Action ${n}`,
    assigneeUserId: null,
    assigneeFunctionId: '00000000-0000-4000-8000-0000000000f1',
    assigneeName: 'Logistique',
    dueAt: null,
    status: 'todo',
    overdue: false,
    createdAt: `2025-11-25T0${n % 10}:00:00Z`,
    updatedAt: `2025-11-25T0${n % 10}:00:00Z`,
    canChange: false,
    ...over,
  };
}

describe('actions à suivre', () => {
  test('en retard : ouverte et échéance passée', () => {
    expect(isOverdue(action({ dueAt: '2025-11-25T11:00:00Z' }), now)).toBe(true);
    expect(isOverdue(action({ dueAt: '2025-11-25T13:00:00Z' }), now)).toBe(false);
    expect(isOverdue(action({ dueAt: '2025-11-25T11:00:00Z', status: 'done' }), now)).toBe(false);
    expect(isOverdue(action({ dueAt: null }), now)).toBe(false);
  });

  test('ordre : en retard, puis échéance la plus proche, sans échéance à la fin', () => {
    const none = action({ title: 'sans' });
    const later = action({ title: 'plus tard', dueAt: '2025-11-25T18:00:00Z' });
    const late = action({ title: 'retard', dueAt: '2025-11-25T10:00:00Z' });
    const soon = action({ title: 'bientôt', dueAt: '2025-11-25T13:00:00Z' });
    expect(sortActions([none, later, late, soon], now).map((a) => a.title)).toEqual(['retard', 'bientôt', 'plus tard', 'sans']);
  });

  test('qui peut changer le statut (message en direct)', () => {
    const session = {
      user: { id: '00000000-0000-4000-8000-0000000000c1' },
      permissions: ['events.read', 'logbook.write'],
      functionIds: ['00000000-0000-4000-8000-0000000000f1'],
      guest: null,
    } as unknown as SessionInfo;
    expect(localCanChange(action({}), session, true)).toBe(true);
    expect(localCanChange(action({}), session, false)).toBe(false);
    expect(localCanChange(action({ assigneeFunctionId: '00000000-0000-4000-8000-0000000000f2' }), session, true)).toBe(false);
    expect(localCanChange(action({ assigneeFunctionId: null, assigneeUserId: session.user.id }), session, true)).toBe(true);
  });

  test('fusion d’une action reçue en direct', () => {
    const a = action({ canChange: true });
    const updated = { ...a, status: 'doing' as const, canChange: false, updatedAt: '2025-11-25T11:00:00Z' };
    const merged = mergeAction([a], updated, () => false);
    expect(merged[0].status).toBe('doing');
    expect(merged[0].canChange).toBe(true);
    expect(mergeAction([a], action({}), () => true)).toHaveLength(2);
    expect(nextStatuses('todo')).toContain('doing');
  });

  test('l’entrée qui a lancé l’action montre son nouvel état', () => {
    const a = action({});
    const entries = [{ id: 'e1', action: { id: a.id, status: 'todo' as const, assigneeName: 'Logistique', dueAt: null } }, { id: 'e2', action: null }];
    const next = withEntryAction(entries, { ...a, status: 'done' });
    expect(next[0].action?.status).toBe('done');
    expect(next[1]).toBe(entries[1]);
    expect(withEntryAction(entries, action({}))).toBe(entries);
  });
});
