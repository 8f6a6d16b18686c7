// Bringing a department's communes on board in a day: the prefecture imports a CSV of commune
// contacts (mayor, clerk...); each contact becomes an account of its commune's organisation
// (created when missing), unusable until its owner opens the one-time activation link and chooses
// a password. Only the link's SHA-256 is stored; a lost link is replaced by a new one.

import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { MultipartFile } from '@fastify/multipart';
import type { DB } from '../../db/schema';
import type { Actor, AuthContext, Services } from '../../http/context';
import { AppError, notFound } from '../../http/errors';
import { emailSchema } from '../../../shared/schemas/common';
import {
  roleCsvNames,
  type ActivationInfo,
  type ActivationLink,
  type Contact,
  type ContactsImportResult,
  type ContactsList,
} from '../../../shared/schemas/onboarding';
import { roles, type Role } from '../../../shared/permissions';
import type { ImportIssue } from '../../../shared/schemas/collection';
import { recordAudit } from '../audit';
import { deleteUserSessions, hashPassword, openSession, type LoginResult } from '../auth';
import { parseCsv, readUpload, normaliseHeader } from '../../lib/csv';
import * as repo from './onboarding.repository';

/** A contacts CSV is small: 250 communes × a few contacts. */
export const CONTACTS_MAX_BYTES = 2 * 1024 * 1024;
const MAX_ISSUES = 200;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** 256 random bits, base64url: 43 characters. */
const newToken = () => randomBytes(32).toString('base64url');

/** « Commune de Vannes », « Commune d’Auray », « Commune du Faouët » is left to the INSEE name: elision only. */
export function communeOrganisationName(communeName: string): string {
  return /^[AEIOUYÉÈÊÎÔÂH]/i.test(communeName.normalize('NFC')) && !/^(Le|La|Les) /.test(communeName) ? `Commune d’${communeName}` : `Commune de ${communeName}`;
}

/** The prefecture of the caller, or `prefecture_only`. */
function requirePrefecture(auth: AuthContext): { id: string; departmentCode: string } {
  const o = auth.organisation;
  if (o.kind !== 'prefecture' || !o.department_code) throw new AppError('prefecture_only');
  return { id: o.id, departmentCode: o.department_code };
}

function linkUrl(origin: string, token: string): string {
  // In the fragment: never sent to a server, so never in an access log or a Referer.
  return `${origin}/activation#${token}`;
}

function statusOf(r: repo.ContactRow, now: Date): Contact['status'] {
  if (r.status === 'disabled') return 'disabled';
  if (r.activated_at) return 'active';
  if (!r.expires_at || r.expires_at <= now) return 'expired';
  return 'pending';
}

function presentContact(r: repo.ContactRow, now: Date): Contact {
  return {
    userId: r.user_id,
    organisationId: r.organisation_id,
    inseeCode: r.insee_code,
    communeName: r.commune_name,
    displayName: r.display_name,
    email: r.email,
    jobTitle: r.job_title,
    phone: r.phone,
    role: r.role,
    status: statusOf(r, now),
    invitedAt: r.invited_at.toISOString(),
    linkAt: r.link_at.toISOString(),
    expiresAt: r.activated_at || !r.expires_at ? null : r.expires_at.toISOString(),
    linksSent: r.links_sent,
    activatedAt: r.activated_at ? r.activated_at.toISOString() : null,
    lastLoginAt: r.last_login_at ? r.last_login_at.toISOString() : null,
  };
}

/** Header names as people write them: accents, case, spaces and hyphens do not matter. */
const headerAliases: Record<string, string> = {
  code_insee: 'code_insee',
  insee: 'code_insee',
  code_commune: 'code_insee',
  codgeo: 'code_insee',
  nom: 'nom',
  nom_complet: 'nom',
  prenom_nom: 'nom',
  email: 'email',
  e_mail: 'email',
  mail: 'email',
  courriel: 'email',
  adresse_e_mail: 'email',
  fonction: 'fonction',
  qualite: 'fonction',
  telephone: 'telephone',
  tel: 'telephone',
  portable: 'telephone',
  role: 'role',
};

interface ContactLine {
  line: number;
  inseeCode: string;
  communeName: string;
  name: string;
  email: string;
  jobTitle: string;
  phone: string;
  role: Role;
}

export async function importContacts(services: Services, auth: AuthContext, actor: Actor, file: MultipartFile | undefined, origin: string): Promise<ContactsImportResult> {
  const pref = requirePrefecture(auth);
  const upload = await readUpload(file, CONTACTS_MAX_BYTES);
  const table = parseCsv(upload.data);
  const issues: ImportIssue[] = [];
  const col = new Map<string, number>();
  table.header.forEach((h, i) => {
    const name = headerAliases[normaliseHeader(h)];
    if (!name) issues.push({ line: 1, column: h, code: 'unknown_column', message: `Colonne inconnue « ${h} » : colonnes attendues code_insee, nom, email, et au choix fonction, telephone, role.` });
    else if (col.has(name)) issues.push({ line: 1, column: h, code: 'duplicate_column', message: `Colonne « ${h} » en double.` });
    else col.set(name, i);
  });
  for (const required of ['code_insee', 'nom', 'email']) {
    if (!col.has(required)) issues.push({ line: 1, column: required, code: 'missing_column', message: `Colonne « ${required} » absente de l’en-tête.` });
  }
  if (issues.length) throw new AppError('import_invalid', issues);
  if (table.rows.length === 0) throw new AppError('import_invalid', [{ line: 2, code: 'empty', message: 'Aucune ligne de contact après l’en-tête.' }]);

  // Current communes of the department, and the former codes of merged ones.
  const communes = await repo.departmentCommunes(services.db, pref.departmentCode);
  const byCode = new Map(communes.map((c) => [c.insee_code, c]));
  const byFormer = new Map<string, (typeof communes)[number]>();
  for (const c of communes) for (const f of c.former_codes) if (!byCode.has(f)) byFormer.set(f, c);

  const lines: ContactLine[] = [];
  const emailLine = new Map<string, number>();
  for (const { line, cells } of table.rows) {
    if (issues.length >= MAX_ISSUES) break;
    if (cells.length !== table.header.length) {
      issues.push({ line, code: 'column_count', message: `${cells.length} valeurs pour ${table.header.length} colonnes.` });
      continue;
    }
    const cell = (name: string) => (col.has(name) ? (cells[col.get(name)!] ?? '').trim() : '');
    const before = issues.length;
    const code = cell('code_insee').toUpperCase().padStart(5, '0');
    const commune = byCode.get(code) ?? byFormer.get(code);
    if (!commune) issues.push({ line, column: 'code_insee', code: 'unknown_commune', message: `Commune « ${cell('code_insee')} » inconnue dans le département ${pref.departmentCode}.` });
    const name = cell('nom').replace(/\s+/g, ' ');
    if (name.length < 2 || name.length > 120) issues.push({ line, column: 'nom', code: 'invalid_name', message: 'Nom requis (2 à 120 caractères).' });
    const email = emailSchema.safeParse(cell('email'));
    if (!email.success) issues.push({ line, column: 'email', code: 'invalid_email', message: `Adresse e-mail invalide « ${cell('email')} ».` });
    const jobTitle = cell('fonction').replace(/\s+/g, ' ');
    if (jobTitle.length > 120) issues.push({ line, column: 'fonction', code: 'too_long', message: 'Fonction trop longue (120 caractères au plus).' });
    const phone = cell('telephone').replace(/\s+/g, ' ');
    if (phone && !/^\+?[0-9 .()-]{6,25}$/.test(phone)) issues.push({ line, column: 'telephone', code: 'invalid_phone', message: `Numéro de téléphone invalide « ${phone} ».` });
    const roleRaw = normaliseHeader(cell('role'));
    let role: Role | undefined;
    if (roleRaw === '') role = 'contributor';
    else if (roleCsvNames[roleRaw]) role = roleCsvNames[roleRaw];
    else if ((roles as readonly string[]).includes(roleRaw)) role = roleRaw as Role;
    if (!role) issues.push({ line, column: 'role', code: 'invalid_role', message: `Rôle inconnu « ${cell('role')} » : administrateur, coordinateur, contributeur ou lecteur.` });
    if (issues.length > before || !commune || !email.success || !role) continue;
    const other = emailLine.get(email.data);
    if (other !== undefined) {
      issues.push({ line, column: 'email', code: 'duplicate_email', message: `${email.data} : déjà à la ligne ${other}.` });
      continue;
    }
    emailLine.set(email.data, line);
    lines.push({ line, inseeCode: commune.insee_code, communeName: commune.name, name, email: email.data, jobTitle, phone, role });
  }
  if (issues.length) throw new AppError('import_invalid', issues.slice(0, MAX_ISSUES));

  // Accounts are unusable until activated: they all get the hash of a secret nobody keeps.
  const unusable = await hashPassword(newToken(), services.config.scryptCost);
  const expiresAt = new Date(services.now().getTime() + services.config.activationLinkDays * 86_400_000);
  const result = await services.db.transaction().execute(async (tx) => {
    // One import at a time (any prefecture): the same file sent twice at once, or two prefectures
    // inviting into the same commune, would otherwise both create the account or the organisation.
    await sql`SELECT pg_advisory_xact_lock(hashtext('vigie.onboarding.import'))`.execute(tx);
    const existingUsers = new Map((await repo.usersByEmail(tx, lines.map((l) => l.email))).map((u) => [u.email, u]));
    const orgs = new Map<string, string>();
    for (const o of await repo.communeOrganisations(tx, [...new Set(lines.map((l) => l.inseeCode))])) if (!orgs.has(o.insee_code!)) orgs.set(o.insee_code!, o.id);
    const fresh: ContactLine[] = [];
    let existing = 0;
    for (const l of lines) {
      const u = existingUsers.get(l.email);
      if (!u) fresh.push(l);
      else if (orgs.get(l.inseeCode) === u.organisation_id) existing++;
      else issues.push({ line: l.line, column: 'email', code: 'email_taken', message: `${l.email} : adresse déjà utilisée par un compte d’une autre organisation.` });
    }
    if (issues.length) throw new AppError('import_invalid', issues.slice(0, MAX_ISSUES));

    let organisationsCreated = 0;
    for (const inseeCode of new Set(fresh.map((l) => l.inseeCode))) {
      if (orgs.has(inseeCode)) continue;
      const communeName = fresh.find((l) => l.inseeCode === inseeCode)!.communeName;
      let name = communeOrganisationName(communeName);
      if (await repo.organisationNameTaken(tx, name)) name = `${name} (${inseeCode})`;
      const { id } = await tx
        .insertInto('organisations')
        .values({ kind: 'commune', name, insee_code: inseeCode, department_code: pref.departmentCode })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordAudit(tx, actor, { action: 'organisation.created', entityType: 'organisation', entityId: id, organisationId: id, changes: { name, inseeCode, by: auth.organisation.name } });
      orgs.set(inseeCode, id);
      organisationsCreated++;
    }

    const links: ActivationLink[] = [];
    for (const l of fresh) {
      const token = newToken();
      const user = await tx
        .insertInto('users')
        .values({ organisation_id: orgs.get(l.inseeCode)!, email: l.email, display_name: l.name, role: l.role, password_hash: unusable, must_change_password: false })
        .returning(['id', 'organisation_id'])
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('commune_invitations')
        .values({ user_id: user.id, prefecture_id: pref.id, insee_code: l.inseeCode, job_title: l.jobTitle, phone: l.phone, token_hash: sha256(token), expires_at: expiresAt, invited_by: auth.user.id })
        .execute();
      // Read by the commune's administrators (their new account) and by the prefecture.
      await recordAudit(tx, actor, {
        action: 'user.invited',
        entityType: 'user',
        entityId: user.id,
        organisationId: user.organisation_id,
        changes: { email: l.email, displayName: l.name, role: l.role, jobTitle: l.jobTitle, by: auth.organisation.name },
      });
      links.push({ userId: user.id, inseeCode: l.inseeCode, communeName: l.communeName, displayName: l.name, email: l.email, url: linkUrl(origin, token), expiresAt: expiresAt.toISOString() });
    }
    await recordAudit(tx, actor, {
      action: 'onboarding.contacts_imported',
      entityType: 'organisation',
      entityId: pref.id,
      organisationId: pref.id,
      changes: { fileName: upload.name, lines: lines.length, created: fresh.length, existing, organisationsCreated },
    });
    return { lines: lines.length, created: fresh.length, existing, organisationsCreated, links };
  });
  return result;
}

export async function listContacts(services: Services, auth: AuthContext): Promise<ContactsList> {
  const pref = requirePrefecture(auth);
  const now = services.now();
  const rows = await repo.contactQuery(services.db).where('i.prefecture_id', '=', pref.id).orderBy('m.name').orderBy('u.display_name').execute();
  const boarding = await repo.communeBoarding(services.db, pref.departmentCode);
  const active = boarding.filter((b) => b.active > 0).length;
  const pending = boarding.filter((b) => b.active === 0 && b.invited > 0).length;
  return {
    contacts: rows.map((r) => presentContact(r, now)),
    communes: { total: boarding.length, active, pending, none: boarding.length - active - pending },
    notOnBoard: boarding.filter((b) => b.active === 0).map((b) => ({ inseeCode: b.insee_code, name: b.name, invited: b.invited })),
  };
}

/** A new link for a contact this prefecture invited; the previous one stops working. */
export async function renewLink(services: Services, auth: AuthContext, actor: Actor, userId: string, origin: string): Promise<{ contact: Contact; link: ActivationLink }> {
  const pref = requirePrefecture(auth);
  const token = newToken();
  const expiresAt = new Date(services.now().getTime() + services.config.activationLinkDays * 86_400_000);
  return services.db.transaction().execute(async (tx) => {
    const row = await repo.contactQuery(tx).where('i.user_id', '=', userId).where('i.prefecture_id', '=', pref.id).executeTakeFirst();
    if (!row) throw notFound();
    if (row.status === 'disabled') throw new AppError('account_disabled');
    await tx
      .updateTable('commune_invitations')
      .set({ token_hash: sha256(token), expires_at: expiresAt, link_at: sql`now()`, links_sent: sql`links_sent + 1` })
      .where('user_id', '=', userId)
      .execute();
    await recordAudit(tx, actor, { action: 'user.activation_link_renewed', entityType: 'user', entityId: userId, organisationId: row.organisation_id, changes: { by: auth.organisation.name } });
    await recordAudit(tx, actor, { action: 'user.activation_link_renewed', entityType: 'user', entityId: userId, organisationId: pref.id, changes: { email: row.email } });
    const after = (await repo.contactQuery(tx).where('i.user_id', '=', userId).executeTakeFirst())!;
    return {
      contact: presentContact(after, services.now()),
      link: { userId, inseeCode: row.insee_code, communeName: row.commune_name, displayName: row.display_name, email: row.email, url: linkUrl(origin, token), expiresAt: expiresAt.toISOString() },
    };
  });
}

/** The invitation of a live link, or the reason it cannot be used. */
async function liveInvitation(db: Kysely<DB>, token: string, now: Date): Promise<repo.ContactRow> {
  const row = await repo.invitationByToken(db, sha256(token));
  if (!row || row.status !== 'active') throw new AppError('activation_invalid');
  if (!row.expires_at || row.expires_at <= now) throw new AppError('activation_expired');
  return row;
}

export async function checkActivation(services: Services, token: string): Promise<ActivationInfo> {
  const row = await liveInvitation(services.db, token, services.now());
  return { email: row.email, displayName: row.display_name, organisationName: row.organisation_name, communeName: row.commune_name, expiresAt: row.expires_at!.toISOString() };
}

/**
 * Uses a link: the password chosen replaces any other, the link is spent, other sessions of the
 * account end (a renewed link works as a reset), and a session opens.
 */
export async function activate(services: Services, token: string, password: string, ip: string, userAgent: string | null): Promise<LoginResult> {
  const row = await liveInvitation(services.db, token, services.now());
  const hash = await hashPassword(password, services.config.scryptCost);
  return openSession(services, { id: row.user_id, email: row.email, organisation_id: row.organisation_id }, ip, userAgent, { action: 'auth.account_activated', changes: { renewed: row.activated_at !== null } }, async (tx) => {
    // Spent at most once, even by two requests at the same time.
    const spent = await tx
      .updateTable('commune_invitations')
      .set({ token_hash: null, expires_at: null, activated_at: sql`coalesce(activated_at, now())` })
      .where('token_hash', '=', sha256(token))
      .where('expires_at', '>', services.now())
      .returning('user_id')
      .executeTakeFirst();
    if (!spent) throw new AppError('activation_invalid');
    await tx.updateTable('users').set({ password_hash: hash, must_change_password: false, password_changed_at: sql`now()`, updated_at: sql`now()` }).where('id', '=', row.user_id).execute();
    const ended = await deleteUserSessions(tx, row.user_id);
    // The sessions ended, not the user: the new session's socket may already be open.
    if (ended.length) await services.realtime.endSessions(tx, { sessionIds: ended }, 'password_reset');
  });
}
