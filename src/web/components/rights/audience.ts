// Pure helpers of the audience editors (event types and events): lines as sent to the server,
// their names, and the summary in words ("Restreint : Directeur des opérations, Cellule
// communication (lecture)").

import { roleLabels, type Role } from '../../../shared';
import type { AccessLevel, AudienceGrant, AudienceGrantView, EventAudienceMode, PrincipalKind } from '../../../shared/schemas/rights';
import { t } from '../../i18n';

/** What the editors need to name and choose the lines' subjects. */
export interface AudienceDirectory {
  functions: readonly { id: string; name: string; archived?: boolean }[];
  users: readonly { id: string; displayName: string; status?: string }[];
}

export const emptyDirectory: AudienceDirectory = { functions: [], users: [] };

export function grantFromView(v: AudienceGrantView): AudienceGrant {
  if (v.kind === 'role') return { kind: 'role', role: v.role ?? 'reader', access: v.access };
  if (v.kind === 'function') return { kind: 'function', functionId: v.functionId ?? '', access: v.access };
  return { kind: 'user', userId: v.userId ?? '', access: v.access };
}

/** Who the line designates, as a stable key (duplicates share it). */
export function subjectKey(g: AudienceGrant): string {
  if (g.kind === 'role') return `role:${g.role}`;
  if (g.kind === 'function') return `function:${g.functionId}`;
  return `user:${g.userId}`;
}

export function subjectId(g: AudienceGrant): string {
  return g.kind === 'role' ? g.role : g.kind === 'function' ? g.functionId : g.userId;
}

/** A new line of that kind, on the first subject not used yet. */
export function newGrant(kind: PrincipalKind, dir: AudienceDirectory, used: readonly AudienceGrant[], access: AccessLevel = 'read'): AudienceGrant {
  const taken = new Set(used.map(subjectKey));
  if (kind === 'role') {
    const role = (['coordinator', 'contributor', 'reader', 'administrator'] as Role[]).find((r) => !taken.has(`role:${r}`)) ?? 'coordinator';
    return { kind, role, access };
  }
  if (kind === 'function') {
    const fn = dir.functions.filter((f) => !f.archived).find((f) => !taken.has(`function:${f.id}`));
    return { kind, functionId: fn?.id ?? '', access };
  }
  const user = dir.users.find((u) => u.status !== 'disabled' && !taken.has(`user:${u.id}`));
  return { kind, userId: user?.id ?? '', access };
}

/** Changes the subject of a line, keeping its access. */
export function withSubject(g: AudienceGrant, kind: PrincipalKind, id: string): AudienceGrant {
  if (kind === 'role') return { kind, role: id as Role, access: g.access };
  if (kind === 'function') return { kind, functionId: id, access: g.access };
  return { kind, userId: id, access: g.access };
}

/** Name of a line's subject; `fallback` (the server's label) when the directory does not know it. */
export function grantName(g: AudienceGrant, dir: AudienceDirectory, fallback?: string): string {
  if (g.kind === 'role') return t('audience.roleLine', { role: roleLabels[g.role] });
  if (g.kind === 'function') return dir.functions.find((f) => f.id === g.functionId)?.name ?? fallback ?? t('audience.unknownFunction');
  return dir.users.find((u) => u.id === g.userId)?.displayName ?? fallback ?? t('audience.unknownUser');
}

/** "Directeur des opérations, Cellule communication (lecture)": write lines plain, read lines marked. */
export function grantsInWords(grants: readonly { name: string; access: AccessLevel }[]): string {
  const ordered = [...grants.filter((g) => g.access === 'write'), ...grants.filter((g) => g.access === 'read')];
  return ordered.map((g) => (g.access === 'read' ? t('audience.readMark', { name: g.name }) : g.name)).join(', ');
}

/** The whole audience in one sentence. */
export function audienceInWords(mode: EventAudienceMode, grants: readonly { name: string; access: AccessLevel }[]): string {
  if (mode === 'organisation') return t('audience.summary.organisation');
  if (mode === 'inherit') return t('audience.summary.inherit');
  if (grants.length === 0) return t('audience.summary.restrictedEmpty');
  return t('audience.summary.restricted', { list: grantsInWords(grants) });
}

/** Problems of the lines before sending: a line without subject, the same subject twice. */
export function grantErrors(mode: EventAudienceMode, grants: readonly AudienceGrant[]): { form: string | null; lines: Record<number, string> } {
  const lines: Record<number, string> = {};
  if (mode !== 'restricted') return { form: null, lines };
  if (grants.length === 0) return { form: t('audience.error.empty'), lines };
  const seen = new Map<string, number>();
  grants.forEach((g, i) => {
    if (!subjectId(g)) lines[i] = t('audience.error.noSubject');
    else if (seen.has(subjectKey(g))) lines[i] = t('audience.error.duplicate', { line: (seen.get(subjectKey(g)) ?? 0) + 1 });
    else seen.set(subjectKey(g), i);
  });
  return { form: Object.keys(lines).length ? t('error.formInvalid') : null, lines };
}
