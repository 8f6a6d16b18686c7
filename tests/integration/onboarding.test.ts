// Communes on board: a prefecture imports a CSV of commune contacts; each line becomes an account
// of the commune's organisation (created when missing), unusable until its owner opens a one-time
// activation link (expiring, only its SHA-256 stored) and chooses a password. The prefecture
// follows who has activated and hands out new links. On both engines.
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { startTestApp, TEST_PASSWORD, type Session, type TestApp } from '../helpers/app';
import { buildOrganisation } from '../fixtures/factories';
import { multipartBody, TINY_PNG } from '../fixtures/logbook';
import { countRows, expectError, send, serverErrors, signIn, WsClient, orgWith, type Org } from './support';
import { roles, type Role } from '../../src/shared/permissions';
import type { SessionInfo } from '../../src/shared/schemas/auth';
import { sessionSchema } from '../../src/shared/schemas/auth';
import { activationInfoSchema, contactsImportResultSchema, contactsListSchema, renewLinkResultSchema, type ActivationLink, type ContactsImportResult, type ContactsList } from '../../src/shared/schemas/onboarding';
import { campaignDetailSchema, completenessSchema, type CampaignSummary } from '../../src/shared/schemas/collection';
import { WS_CLOSE_SESSION_ENDED } from '../../src/shared/realtime';

/** 09:30 in Paris on Tuesday 10 March 2026: the clock of the services (links expire against it). */
const T0 = new Date('2026-03-10T08:30:00Z');
const DAY = 86_400_000;
const LINK_DAYS = 14;
const PUBLIC_URL = 'https://vigie.morbihan.test';
const NEW_PASSWORD = 'une-phrase-de-passe-choisie';
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

let t: TestApp;
/** A second instance on the same database, with PUBLIC_URL set. */
let pub: TestApp;
let port: number;
let pref: Org;
let rival: Org;
let herault: Org;
let vannes: Org;
let partner: Org;

const db = () => t.db.database.db;
const s = (o: Org, r: Role) => o.s[r]!;
const sha256 = (x: string) => createHash('sha256').update(x).digest('hex');
const tokenOf = (link: { url: string }) => link.url.slice(link.url.indexOf('#') + 1);
const at = (ms: number) => new Date(T0.getTime() + ms);

function setClock(d: Date) {
  t.services.now = () => d;
  pub.services.now = () => d;
}

/** A CSV file from lines (CRLF, as a spreadsheet saves it). */
const csv = (lines: string[], encoding: BufferEncoding = 'utf8') => Buffer.from(lines.join('\r\n') + '\r\n', encoding);
const HEADER = 'code_insee;nom;email;fonction;telephone;role';

function importFile(as: Session | null, data: Buffer, o: { app?: TestApp; fileName?: string; contentType?: string; headers?: Record<string, string> } = {}): Promise<LightMyRequestResponse> {
  const m = multipartBody('file', o.fileName ?? 'contacts.csv', o.contentType ?? 'text/csv', data);
  return send((o.app ?? t).app, as, 'POST', '/api/onboarding/contacts', { raw: m.payload, contentType: m.headers['content-type'], ...(o.headers ? { headers: o.headers } : {}) });
}

async function imported(res: LightMyRequestResponse): Promise<ContactsImportResult> {
  expect(res.statusCode, res.body).toBe(201);
  return contactsImportResultSchema.parse(res.json()) as ContactsImportResult;
}

let seq = 0;
/** Invites one new contact of a commune through the real import; its link. */
async function invite(inseeCode: string, o: { role?: string; name?: string; jobTitle?: string; phone?: string; as?: Session } = {}): Promise<ActivationLink & { token: string }> {
  seq++;
  const email = `contact-${seq}-${randomBytes(3).toString('hex')}@mairie-${inseeCode}.test`;
  const line = [inseeCode, o.name ?? `Contact numéro ${seq}`, email, o.jobTitle ?? 'Secrétaire de mairie', o.phone ?? '02 97 00 00 00', o.role ?? ''].join(';');
  const r = await imported(await importFile(o.as ?? s(pref, 'coordinator'), csv([HEADER, line])));
  expect(r).toMatchObject({ lines: 1, created: 1, existing: 0 });
  expect(r.links).toHaveLength(1);
  return { ...r.links[0], token: tokenOf(r.links[0]) };
}

async function listAs(as: Session): Promise<ContactsList> {
  const res = await send(t.app, as, 'GET', '/api/onboarding/contacts');
  expect(res.statusCode, res.body).toBe(200);
  return contactsListSchema.parse(res.json()) as ContactsList;
}
const contactIn = (l: ContactsList, userId: string) => l.contacts.find((c) => c.userId === userId);

const check = (token: string) => send(t.app, null, 'POST', '/api/activation/check', { json: { token } });
const activate = (token: string, password: string) => send(t.app, null, 'POST', '/api/activation', { json: { token, password } });
const renew = (as: Session, userId: string) => send(t.app, as, 'POST', `/api/onboarding/contacts/${userId}/link`);
const loginAttempt = (email: string, password: string) => send(t.app, null, 'POST', '/api/auth/login', { json: { email, password } });
const whoAmI = (as: Session) => send(t.app, as, 'GET', '/api/auth/session');

/** The session an activation opened (cookie and CSRF token), checked against the session schema. */
function sessionOf(res: LightMyRequestResponse): Session {
  expect(res.statusCode, res.body).toBe(200);
  const cookie = res.cookies.find((c) => c.name === 'vigie_session');
  expect(cookie, 'session cookie').toBeDefined();
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
  const info = sessionSchema.parse(res.json()) as SessionInfo;
  return { cookie: `vigie_session=${cookie!.value}`, csrf: info.csrfToken, info };
}

async function createCampaign(communes: string[], name: string) {
  const res = await send(t.app, s(pref, 'coordinator'), 'POST', '/api/campaigns', {
    json: { name, period: 'daily', deadline: '10:00', startDate: '2026-03-01', status: 'active', communes, indicators: [{ key: 'domicile', label: 'Décès à domicile' }] },
  });
  expect(res.statusCode, res.body).toBe(201);
  return campaignDetailSchema.parse(res.json());
}

async function communeName(inseeCode: string): Promise<string> {
  return (await db().selectFrom('communes').select('name').where('insee_code', '=', inseeCode).executeTakeFirstOrThrow()).name;
}

beforeAll(async () => {
  t = await startTestApp({ REQUESTS_PER_MINUTE: '1000000' });
  pub = await startTestApp({ REQUESTS_PER_MINUTE: '1000000', PUBLIC_URL: `${PUBLIC_URL}/` }, t.db);
  setClock(T0);
  pref = await orgWith(t, { kind: 'prefecture', departmentCode: '56', name: 'Préfecture du Morbihan (test)' }, [...roles]);
  rival = await orgWith(t, { kind: 'prefecture', departmentCode: '56', name: 'Autre préfecture du Morbihan (test)' }, ['administrator', 'coordinator']);
  herault = await orgWith(t, { kind: 'prefecture', departmentCode: '34', name: 'Préfecture de l’Hérault (test)' }, ['administrator']);
  vannes = await orgWith(t, { kind: 'commune', inseeCode: '56260', departmentCode: '56', name: 'Commune de Vannes (test)' }, ['administrator']);
  partner = await orgWith(t, { kind: 'partner', name: 'SDIS du Morbihan (test)' }, ['administrator']);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as { port: number }).port;
});
afterAll(async () => {
  await pub?.close();
  await t?.close();
});

/** The file of the first import (5 contacts over Vannes, which has an organisation, Carnac and Baden, which have none). */
const FIRST_FILE = csv([
  // With the BOM a spreadsheet writes in front of a UTF-8 CSV.
  '\ufeffCode INSEE;Nom;E-mail;Fonction;Téléphone;Rôle',
  '56260;Anne Le Goff;Anne.LeGoff@Vannes.test;Directrice générale des services;02 97 01 60 00;Coordinateur',
  '56260;Yann Rio;yann.rio@vannes.test;Agent d’astreinte;;',
  '56034;Marie Kerhervé;maire@carnac.test;Maire;06 12 34 56 78;Administrateur',
  '56034;Paul Le Bihan;mairie@carnac.test;Secrétaire de mairie;02.97.52.06.00;lecteur',
  '"56008";"Jeanne Le Floch; adjointe";jeanne@baden.test;Adjointe à la sécurité;+33 2 97 57 00 00;Contributeur',
]);
const FIRST_EXPECTED = [
  { email: 'anne.legoff@vannes.test', name: 'Anne Le Goff', insee: '56260', role: 'coordinator', jobTitle: 'Directrice générale des services', phone: '02 97 01 60 00' },
  { email: 'yann.rio@vannes.test', name: 'Yann Rio', insee: '56260', role: 'contributor', jobTitle: 'Agent d’astreinte', phone: '' },
  { email: 'maire@carnac.test', name: 'Marie Kerhervé', insee: '56034', role: 'administrator', jobTitle: 'Maire', phone: '06 12 34 56 78' },
  { email: 'mairie@carnac.test', name: 'Paul Le Bihan', insee: '56034', role: 'reader', jobTitle: 'Secrétaire de mairie', phone: '02.97.52.06.00' },
  { email: 'jeanne@baden.test', name: 'Jeanne Le Floch; adjointe', insee: '56008', role: 'contributor', jobTitle: 'Adjointe à la sécurité', phone: '+33 2 97 57 00 00' },
] as const;

describe('import', () => {
  it('a coordinator imports 5 contacts of 3 communes: one account each in the right commune organisation (created when missing), with its role; one link each; unusable before activation; only hashes stored; audited', async () => {
    const before = await countRows(db());
    // No PUBLIC_URL: the links point to the address the request came to.
    const r = await imported(await importFile(s(pref, 'coordinator'), FIRST_FILE, { headers: { host: 'vigie.test:8080' } }));
    expect(r).toMatchObject({ lines: 5, created: 5, existing: 0, organisationsCreated: 2 });
    expect(r.links).toHaveLength(5);
    const expiresAt = at(LINK_DAYS * DAY).toISOString();
    const tokens = r.links.map(tokenOf);
    for (const [i, link] of r.links.entries()) {
      const e = FIRST_EXPECTED[i];
      expect(link).toMatchObject({ email: e.email, displayName: e.name, inseeCode: e.insee, communeName: await communeName(e.insee), expiresAt });
      expect(link.url).toMatch(/^http:\/\/vigie\.test:8080\/activation#[A-Za-z0-9_-]{43}$/);
      expect(tokens[i]).toMatch(TOKEN_RE);
    }
    expect(new Set(tokens).size).toBe(5);

    // The accounts, in the organisations of their communes: Vannes' own, two new ones.
    const accounts = await db()
      .selectFrom('users as u')
      .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
      .select(['u.id', 'u.email', 'u.display_name', 'u.role', 'u.status', 'u.must_change_password', 'o.id as org_id', 'o.name as org_name', 'o.kind', 'o.insee_code', 'o.department_code'])
      .where('u.email', 'in', FIRST_EXPECTED.map((e) => e.email))
      .execute();
    expect(accounts).toHaveLength(5);
    const orgOf = new Map<string, string>();
    for (const e of FIRST_EXPECTED) {
      const a = accounts.find((x) => x.email === e.email)!;
      expect(a).toMatchObject({ display_name: e.name, role: e.role, status: 'active', must_change_password: false, kind: 'commune', insee_code: e.insee });
      expect(a.id).toBe(r.links.find((l) => l.email === e.email)!.userId);
      orgOf.set(e.insee, a.org_id);
    }
    expect(orgOf.get('56260')).toBe(vannes.org.id);
    const created = await db().selectFrom('organisations').selectAll().where('id', 'in', [orgOf.get('56034')!, orgOf.get('56008')!]).orderBy('name').execute();
    expect(created.map((o) => [o.name, o.kind, o.insee_code, o.department_code])).toEqual([
      ['Commune de Baden', 'commune', '56008', '56'],
      ['Commune de Carnac', 'commune', '56034', '56'],
    ]);

    // The invitations: job title and phone kept, only the SHA-256 of each token.
    const invitations = await db().selectFrom('commune_invitations').selectAll().where('user_id', 'in', accounts.map((a) => a.id)).execute();
    expect(invitations).toHaveLength(5);
    for (const link of r.links) {
      const e = FIRST_EXPECTED.find((x) => x.email === link.email)!;
      const inv = invitations.find((i) => i.user_id === link.userId)!;
      expect(inv).toMatchObject({ prefecture_id: pref.org.id, insee_code: e.insee, job_title: e.jobTitle, phone: e.phone, token_hash: sha256(tokenOf(link)), links_sent: 1, invited_by: pref.users.coordinator!.id, activated_at: null });
      expect(inv.expires_at!.toISOString()).toBe(expiresAt);
    }
    const stored = JSON.stringify(await db().selectFrom('commune_invitations').selectAll().execute()) + JSON.stringify(await db().selectFrom('audit_log').selectAll().execute());
    for (const token of tokens) expect(stored).not.toContain(token);

    // Audit: each invited account (readable by its commune), each new organisation, the import itself.
    const invited = await db().selectFrom('audit_log').select(['entity_id', 'organisation_id', 'actor_user_id', 'changes']).where('action', '=', 'user.invited').execute();
    expect(invited).toHaveLength(5);
    for (const a of accounts) {
      expect(invited.find((x) => x.entity_id === a.id)).toMatchObject({ organisation_id: a.org_id, actor_user_id: pref.users.coordinator!.id, changes: { email: a.email, role: a.role } });
    }
    const orgAudit = await db().selectFrom('audit_log').select(['entity_id', 'organisation_id']).where('action', '=', 'organisation.created').execute();
    expect(orgAudit.map((x) => x.entity_id).sort()).toEqual(created.map((o) => o.id).sort());
    const importAudit = await db().selectFrom('audit_log').select(['organisation_id', 'actor_user_id', 'changes']).where('action', '=', 'onboarding.contacts_imported').execute();
    expect(importAudit).toEqual([
      { organisation_id: pref.org.id, actor_user_id: pref.users.coordinator!.id, changes: { fileName: 'contacts.csv', lines: 5, created: 5, existing: 0, organisationsCreated: 2 } },
    ]);
    // Nothing else was written, but the logbook catalogues every new organisation gets (database trigger).
    const after = await countRows(db());
    const catalogues = { event_types: after.event_types, crisis_functions: after.crisis_functions, action_tags: after.action_tags };
    expect(after).toEqual({ ...before, ...catalogues, organisations: before.organisations + 2, users: before.users + 5, commune_invitations: before.commune_invitations + 5, audit_log: before.audit_log + 8 });
    const seeded = await db().selectFrom('event_types').select('organisation_id').distinct().where('organisation_id', 'in', created.map((o) => o.id)).execute();
    expect(seeded).toHaveLength(2);

    // Before activation, no password opens these accounts: not the test password, not even the link's token.
    for (const [i, e] of FIRST_EXPECTED.entries()) {
      expectError(await loginAttempt(e.email, TEST_PASSWORD), 'invalid_credentials');
      expectError(await loginAttempt(e.email, tokens[i]), 'invalid_credentials');
    }
    expect((await countRows(db())).sessions).toBe(before.sessions);
  });

  it('an administrator imports a `,`-separated Windows-1252 file with other header names; a contact listed under a merged commune’s old code joins the new commune; links start with PUBLIC_URL', async () => {
    // In the Morbihan, 56138 was merged: the current commune that lists it as a former code takes the contact.
    const merged = await sql<{ insee_code: string; name: string }>`SELECT insee_code, name FROM communes WHERE department_code = '56' AND '56138' = ANY(former_codes)`.execute(db());
    expect(merged.rows).toHaveLength(1);
    const target = merged.rows[0];
    expect(target.insee_code).not.toBe('56138');
    expect(await db().selectFrom('communes').select('insee_code').where('insee_code', '=', '56138').executeTakeFirst()).toBeUndefined();

    // Windows-1252 (a spreadsheet's « CSV (séparateur : point-virgule) »): accents on one byte.
    const file = csv(['Insee,Prénom Nom,Courriel,Qualité,Tél,Rôle', '56138,Gaëlle Le Dréan,gaelle.ledrean@ploermel.test,Maire déléguée (ex-commune),02 97 74 00 00,coordinateur'], 'latin1');
    expect(file.includes(Buffer.from('é', 'utf8'))).toBe(false);
    const r = await imported(await importFile(s(pref, 'administrator'), file, { app: pub, fileName: 'contacts-ploermel.csv' }));
    expect(r).toMatchObject({ lines: 1, created: 1, existing: 0, organisationsCreated: 1 });
    const [link] = r.links;
    expect(link).toMatchObject({ inseeCode: target.insee_code, communeName: target.name, displayName: 'Gaëlle Le Dréan', email: 'gaelle.ledrean@ploermel.test' });
    expect(link.url.startsWith(`${PUBLIC_URL}/activation#`)).toBe(true);
    expect(tokenOf(link)).toMatch(TOKEN_RE);
    const row = await db()
      .selectFrom('users as u')
      .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
      .innerJoin('commune_invitations as i', 'i.user_id', 'u.id')
      .select(['u.role', 'o.insee_code as org_insee', 'o.name as org_name', 'i.insee_code', 'i.job_title'])
      .where('u.id', '=', link.userId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ role: 'coordinator', org_insee: target.insee_code, org_name: `Commune de ${target.name}`, insee_code: target.insee_code, job_title: 'Maire déléguée (ex-commune)' });
  });

  // A spreadsheet's "CSV (séparateur : point-virgule)" is Windows-1252: ’ and œ are bytes 0x92 and 0x9C,
  // which Node's own 'windows-1252' decoder turns into control characters (nodejs/node#56542).
  it('a Windows-1252 file keeps ’ and œ (bytes 0x92 and 0x9C) as typed', async () => {
    const text = [HEADER, '56034;Françoise Le Cœur;francoise.lecoeur@carnac.test;Chargée d’accueil;;'].join('\r\n') + '\r\n';
    const file = Buffer.from(text.replace(/’/g, '\x92').replace(/œ/g, '\x9c'), 'latin1');
    expect([...file].filter((b) => b === 0x92 || b === 0x9c)).toEqual([0x9c, 0x92]);
    const r = await imported(await importFile(s(pref, 'coordinator'), file));
    const row = await db()
      .selectFrom('users as u')
      .innerJoin('commune_invitations as i', 'i.user_id', 'u.id')
      .select(['u.display_name', 'i.job_title'])
      .where('u.id', '=', r.links[0].userId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ display_name: 'Françoise Le Cœur', job_title: 'Chargée d’accueil' });
  });

  it('re-importing the same file changes nothing: every line is `existing`, no account, no organisation, no link', async () => {
    const before = await countRows(db());
    const invitationsBefore = await db().selectFrom('commune_invitations').selectAll().orderBy('user_id').execute();
    const r = await imported(await importFile(s(pref, 'administrator'), FIRST_FILE));
    expect(r).toEqual({ lines: 5, created: 0, existing: 5, organisationsCreated: 0, links: [] });
    const after = await countRows(db());
    // Only the record of the import itself.
    expect(after).toEqual({ ...before, audit_log: before.audit_log + 1 });
    expect(await db().selectFrom('commune_invitations').selectAll().orderBy('user_id').execute()).toEqual(invitationsBefore);
  });

  it('an e-mail of an account of another organisation → 400 import_invalid naming the line, and nothing is stored (not even the new commune’s organisation)', async () => {
    const before = await countRows(db());
    const cases: Array<[string, number]> = [
      // A prefecture's account.
      [pref.users.reader!.email, 3],
      // An account of another commune (invited to Vannes above, listed here under Auray).
      ['anne.legoff@vannes.test', 3],
    ];
    for (const [email, line] of cases) {
      const err = expectError(await importFile(s(pref, 'coordinator'), csv([HEADER, '56007;Nouveau Contact;nouveau@auray.test;Maire;;', `56007;Déjà Inscrit;${email.toUpperCase()};;;`])), 'import_invalid');
      expect(err.details).toEqual([{ line, column: 'email', code: 'email_taken', message: expect.stringContaining(email) }]);
    }
    expect(await countRows(db())).toEqual(before);
    expect(await db().selectFrom('organisations').select('id').where('insee_code', '=', '56007').execute()).toEqual([]);
  });

  it('any bad line refuses the whole file with 400 import_invalid and line-by-line details; nothing is stored', async () => {
    const before = await countRows(db());
    const good = '56034;Bon Contact;bon.contact@carnac.test;Maire;;';
    const issue = (line: number, code: string, column?: string) => ({ line, ...(column ? { column } : {}), code, message: expect.any(String) });
    const cases: Array<[string, string[], unknown[]]> = [
      ['unknown commune', [HEADER, good, '56999;Commune Inconnue;x1@nulle-part.test;;;'], [issue(3, 'unknown_commune', 'code_insee')]],
      ['commune of another department', [HEADER, good, '34172;Montpellier Ailleurs;x2@montpellier.test;;;'], [issue(3, 'unknown_commune', 'code_insee')]],
      ['bad e-mail', [HEADER, good, '56008;Sans Arobase;pas-une-adresse;;;'], [issue(3, 'invalid_email', 'email')]],
      ['duplicate e-mail in the file (any case)', [HEADER, good, '56008;Doublon;BON.CONTACT@carnac.test;;;'], [issue(3, 'duplicate_email', 'email')]],
      ['unknown role', [HEADER, good, '56008;Rôle Inconnu;x5@baden.test;;;maire'], [issue(3, 'invalid_role', 'role')]],
      ['bad phone', [HEADER, good, '56008;Mauvais Numéro;x6@baden.test;;appeler le standard;'], [issue(3, 'invalid_phone', 'telephone')]],
      ['name too short', [HEADER, good, '56008;X;x7@baden.test;;;'], [issue(3, 'invalid_name', 'nom')]],
      ['wrong column count', [HEADER, good, '56008;Trop De Cellules;x8@baden.test;;;;en trop'], [issue(3, 'column_count')]],
      ['missing required column', ['code_insee;nom;fonction', '56008;Sans Courriel;Maire'], [issue(1, 'missing_column', 'email')]],
      ['unknown column', [`${HEADER};commentaire`, `${good};à rappeler`], [issue(1, 'unknown_column', 'commentaire')]],
      ['duplicate column', ['code_insee;nom;email;courriel', '56008;Deux Courriels;a@baden.test;b@baden.test'], [issue(1, 'duplicate_column', 'courriel')]],
      ['header only', [HEADER], [issue(2, 'empty')]],
      [
        'several bad lines at once',
        // Line numbers are those of the file, empty lines included.
        [HEADER, '56999;Commune Inconnue;y1@nulle-part.test;;;', '', good, '56008;Sans Arobase;pas-une-adresse;;;', '56008;Rôle Inconnu;y3@baden.test;;;maire'],
        [issue(2, 'unknown_commune', 'code_insee'), issue(5, 'invalid_email', 'email'), issue(6, 'invalid_role', 'role')],
      ],
    ];
    for (const [label, lines, details] of cases) {
      const err = expectError(await importFile(s(pref, 'coordinator'), csv(lines)), 'import_invalid');
      expect(err.details, label).toEqual(details);
    }
    const syntax = expectError(await importFile(s(pref, 'coordinator'), csv([HEADER, '56008;"Guillemet ouvert;x9@baden.test;;;'])), 'import_invalid');
    expect(syntax.details).toEqual([expect.objectContaining({ code: 'csv_syntax' })]);

    // Not CSV at all, no file, not multipart.
    const png = expectError(await importFile(s(pref, 'coordinator'), TINY_PNG, { fileName: 'contacts.png', contentType: 'image/png' }), 'import_invalid');
    expect(png.details).toEqual([issue(1, 'not_csv')]);
    const boundary = '----vigie-sans-fichier';
    const noFile = `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nrien\r\n--${boundary}--\r\n`;
    expectError(await send(t.app, s(pref, 'coordinator'), 'POST', '/api/onboarding/contacts', { raw: noFile, contentType: `multipart/form-data; boundary=${boundary}` }), 'file_required');
    expectError(await send(t.app, s(pref, 'coordinator'), 'POST', '/api/onboarding/contacts', { json: { contacts: [] } }), 'unsupported_media_type');
    expect(await countRows(db())).toEqual(before);
  });

  it('the same file sent several times at once (a double click, two prefectures): one import creates, the others find everything existing; never a 5xx', async () => {
    // Several rounds: on PostgreSQL the requests really overlap, and a lost race shows in most of them.
    const rounds = [
      ['56013', '56015'],
      ['56017', '56018'],
      ['56019', '56020'],
      ['56022', '56024'],
      ['56025', '56026'],
    ];
    for (const [x, y] of rounds) {
      const before = await countRows(db());
      const file = csv([HEADER, `${x};Maire de ${x};maire@m${x}.test;Maire;;administrateur`, `${x};Accueil de ${x};accueil@m${x}.test;Accueil;;`, `${y};Maire de ${y};maire@m${y}.test;Maire;;`]);
      const results = await Promise.all([importFile(s(pref, 'coordinator'), file), importFile(s(pref, 'coordinator'), file), importFile(s(rival, 'coordinator'), file)]);
      for (const r of results) expect(r.statusCode, r.body).toBe(201);
      const ok = results.map((r) => contactsImportResultSchema.parse(r.json()));
      expect(ok.map((r) => [r.created, r.existing, r.organisationsCreated, r.links.length]).sort()).toEqual([
        [0, 3, 0, 0],
        [0, 3, 0, 0],
        [3, 0, 2, 3],
      ]);
      const after = await countRows(db());
      expect(after.users).toBe(before.users + 3);
      expect(after.organisations).toBe(before.organisations + 2);
      expect(after.commune_invitations).toBe(before.commune_invitations + 3);
      expect(await db().selectFrom('organisations').select('insee_code').where('insee_code', 'in', [x, y]).orderBy('insee_code').execute()).toEqual([{ insee_code: x }, { insee_code: y }]);
    }
  });

  it('a file larger than 2 MiB → 413 file_too_large, nothing stored', async () => {
    const before = await countRows(db());
    const line = '56034;Contact Trop Loin;trop@carnac.test;' + 'x'.repeat(100) + ';;';
    const big = csv([HEADER, ...Array.from({ length: Math.ceil((2 * 1024 * 1024) / line.length) + 1 }, () => line)]);
    expect(big.length).toBeGreaterThan(2 * 1024 * 1024);
    expectError(await importFile(s(pref, 'coordinator'), big), 'file_too_large');
    expect(await countRows(db())).toEqual(before);
  });

  it('when the name « Commune de X » is taken by another organisation, the new one is told apart by its INSEE code', async () => {
    await buildOrganisation(db(), { kind: 'partner', name: 'Commune de Sarzeau' });
    const link = await invite('56240');
    const org = await db()
      .selectFrom('users as u')
      .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
      .select(['o.name', 'o.kind', 'o.insee_code'])
      .where('u.id', '=', link.userId)
      .executeTakeFirstOrThrow();
    expect(org).toEqual({ name: 'Commune de Sarzeau (56240)', kind: 'commune', insee_code: '56240' });
  });
});

describe('who may', () => {
  it('contributors and readers → 403 forbidden; a commune’s or a partner’s administrator → 403 prefecture_only; nothing is stored', async () => {
    const link = await invite('56023');
    const before = await countRows(db());
    const file = csv([HEADER, '56023;Contact Interdit;interdit@brech.test;;;']);
    for (const r of ['contributor', 'reader'] as const) {
      expectError(await importFile(s(pref, r), file), 'forbidden');
      expectError(await send(t.app, s(pref, r), 'GET', '/api/onboarding/contacts'), 'forbidden');
      expectError(await renew(s(pref, r), link.userId), 'forbidden');
    }
    for (const as of [s(vannes, 'administrator'), s(partner, 'administrator')]) {
      expectError(await importFile(as, file), 'prefecture_only');
      expectError(await send(t.app, as, 'GET', '/api/onboarding/contacts'), 'prefecture_only');
      expectError(await renew(as, link.userId), 'prefecture_only');
    }
    expectError(await importFile(null, file), 'unauthenticated');
    expect(await countRows(db())).toEqual(before);
    // The link still works: nothing above touched it.
    expect((await check(link.token)).statusCode).toBe(200);
  });

  it('another prefecture does not see the first one’s contacts and cannot renew their links (404); a prefecture of another department cannot invite into the Morbihan', async () => {
    const ours = await invite('56023', { name: 'Contact de la préfecture' });
    const theirs = await invite('56023', { name: 'Contact de l’autre préfecture', as: s(rival, 'coordinator') });
    const mine = await listAs(s(pref, 'administrator'));
    expect(contactIn(mine, ours.userId)).toBeDefined();
    expect(contactIn(mine, theirs.userId)).toBeUndefined();
    const other = await listAs(s(rival, 'administrator'));
    expect(contactIn(other, theirs.userId)).toBeDefined();
    expect(contactIn(other, ours.userId)).toBeUndefined();
    // Not one contact in common: each prefecture sees the contacts it invited.
    const mineIds = new Set(mine.contacts.map((c) => c.userId));
    expect(mine.contacts.length).toBeGreaterThan(5);
    expect(other.contacts.filter((c) => mineIds.has(c.userId))).toEqual([]);
    // Both contacts of Brech joined the same commune organisation.
    expect(contactIn(other, theirs.userId)!.organisationId).toBe(contactIn(mine, ours.userId)!.organisationId);

    const before = await countRows(db());
    expectError(await renew(s(rival, 'administrator'), ours.userId), 'not_found');
    expectError(await renew(s(pref, 'administrator'), theirs.userId), 'not_found');
    expectError(await renew(s(pref, 'administrator'), crypto.randomUUID()), 'not_found');
    // A user who was not invited (Vannes' own administrator) has no link to renew.
    expectError(await renew(s(pref, 'administrator'), vannes.users.administrator!.id), 'not_found');
    expect(await countRows(db())).toEqual(before);
    expect((await check(ours.token)).statusCode).toBe(200);

    const err = expectError(await importFile(s(herault, 'administrator'), csv([HEADER, '56023;Hors Département;hors@brech.test;;;'])), 'import_invalid');
    expect(err.details).toEqual([{ line: 2, column: 'code_insee', code: 'unknown_commune', message: expect.stringContaining('34') }]);
    expect(await countRows(db())).toEqual(before);
  });
});

describe('contacts list', () => {
  it('statuses pending → active (activatedAt) / expired / disabled, and the department summary and not-on-board list follow', async () => {
    const total = (await db().selectFrom('communes').select((eb) => eb.fn.countAll<number>().as('n')).where('department_code', '=', '56').executeTakeFirstOrThrow()).n;
    const arzon = await communeName('56005');
    const start = await listAs(s(pref, 'coordinator'));
    expect(start.communes.total).toBe(Number(total));
    expect(start.communes.active + start.communes.pending + start.communes.none).toBe(start.communes.total);
    // Vannes is on board through its own administrator; Arzon has nobody.
    expect(start.notOnBoard.find((c) => c.inseeCode === '56260')).toBeUndefined();
    expect(start.notOnBoard.find((c) => c.inseeCode === '56005')).toEqual({ inseeCode: '56005', name: arzon, invited: 0 });
    expect(start.notOnBoard).toHaveLength(start.communes.total - start.communes.active);

    const mayor = await invite('56005', { role: 'administrateur', name: 'Maire d’Arzon', jobTitle: 'Maire', phone: '02 97 53 44 60' });
    const clerk = await invite('56005', { name: 'Secrétaire d’Arzon' });
    const invited = await listAs(s(pref, 'coordinator'));
    expect(contactIn(invited, mayor.userId)).toEqual({
      userId: mayor.userId,
      organisationId: expect.any(String),
      inseeCode: '56005',
      communeName: arzon,
      displayName: 'Maire d’Arzon',
      email: mayor.email,
      jobTitle: 'Maire',
      phone: '02 97 53 44 60',
      role: 'administrator',
      status: 'pending',
      invitedAt: expect.any(String),
      linkAt: expect.any(String),
      expiresAt: at(LINK_DAYS * DAY).toISOString(),
      linksSent: 1,
      activatedAt: null,
      lastLoginAt: null,
    });
    expect(invited.communes).toEqual({ ...start.communes, pending: start.communes.pending + 1, none: start.communes.none - 1 });
    expect(invited.notOnBoard.find((c) => c.inseeCode === '56005')).toEqual({ inseeCode: '56005', name: arzon, invited: 2 });

    // The mayor activates: active, with activatedAt; Arzon is on board.
    const mayorSession = sessionOf(await activate(mayor.token, NEW_PASSWORD));
    const activated = await listAs(s(pref, 'coordinator'));
    expect(contactIn(activated, mayor.userId)).toMatchObject({ status: 'active', activatedAt: expect.any(String), expiresAt: null, lastLoginAt: expect.any(String) });
    expect(contactIn(activated, clerk.userId)).toMatchObject({ status: 'pending', activatedAt: null });
    expect(activated.communes).toEqual({ ...start.communes, active: start.communes.active + 1, none: start.communes.none - 1 });
    expect(activated.notOnBoard.find((c) => c.inseeCode === '56005')).toBeUndefined();

    // Past ACTIVATION_LINK_DAYS, the clerk's link has expired (the commune stays on board).
    setClock(at(LINK_DAYS * DAY + 60_000));
    const late = await listAs(s(pref, 'coordinator'));
    expect(contactIn(late, clerk.userId)).toMatchObject({ status: 'expired', activatedAt: null });
    expect(contactIn(late, mayor.userId)!.status).toBe('active');
    setClock(T0);
    expect(contactIn(await listAs(s(pref, 'coordinator')), clerk.userId)!.status).toBe('pending');

    // The commune's new administrator disables the clerk's account.
    const disabled = await send(t.app, mayorSession, 'PATCH', `/api/users/${clerk.userId}`, { json: { status: 'disabled' } });
    expect(disabled.statusCode, disabled.body).toBe(200);
    expect(contactIn(await listAs(s(pref, 'coordinator')), clerk.userId)!.status).toBe('disabled');
    // Then the mayor's account is disabled too: Arzon has no working account any more, nobody waiting.
    await db().updateTable('users').set({ status: 'disabled' }).where('id', '=', mayor.userId).execute();
    const off = await listAs(s(pref, 'coordinator'));
    expect(contactIn(off, mayor.userId)!.status).toBe('disabled');
    expect(off.communes).toEqual(start.communes);
    expect(off.notOnBoard.find((c) => c.inseeCode === '56005')).toEqual({ inseeCode: '56005', name: arzon, invited: 0 });
  });
});

describe('activation', () => {
  it('check shows the account; a short password is refused; a good one opens a session, and the user signs in and reaches the commune’s campaigns; the link is then spent', async () => {
    const campaign = await createCampaign(['56034', '56260'], 'Décès par lieu (activation)');
    const link = await invite('56034', { role: 'coordinateur', name: 'Erwan Le Cam' });
    const info = await check(link.token);
    expect(info.statusCode, info.body).toBe(200);
    expect(activationInfoSchema.parse(info.json())).toEqual({ email: link.email, displayName: 'Erwan Le Cam', organisationName: 'Commune de Carnac', communeName: 'Carnac', expiresAt: at(LINK_DAYS * DAY).toISOString() });

    const before = await countRows(db());
    const hashBefore = (await db().selectFrom('users').select('password_hash').where('id', '=', link.userId).executeTakeFirstOrThrow()).password_hash;
    const short = expectError(await activate(link.token, 'court'), 'validation_failed');
    expect(short.details).toEqual([expect.objectContaining({ path: 'password' })]);
    expectError(await activate(link.token.slice(0, 40), NEW_PASSWORD), 'validation_failed');
    expectError(await send(t.app, null, 'POST', '/api/activation', { json: { token: link.token, password: NEW_PASSWORD, role: 'administrator' } }), 'validation_failed');
    expect(await countRows(db())).toEqual(before);
    expect((await db().selectFrom('users').select('password_hash').where('id', '=', link.userId).executeTakeFirstOrThrow()).password_hash).toBe(hashBefore);
    expect((await check(link.token)).statusCode).toBe(200);

    const res = await activate(link.token, NEW_PASSWORD);
    const session = sessionOf(res);
    expect(session.info.user).toMatchObject({ id: link.userId, email: link.email, role: 'coordinator', mustChangePassword: false });
    expect(session.info.organisation).toMatchObject({ kind: 'commune', inseeCode: '56034', name: 'Commune de Carnac' });
    expect(res.body).not.toContain(link.token);
    expect((await whoAmI(session)).statusCode).toBe(200);
    const inv = await db().selectFrom('commune_invitations').selectAll().where('user_id', '=', link.userId).executeTakeFirstOrThrow();
    expect(inv).toMatchObject({ token_hash: null, expires_at: null, activated_at: expect.any(Date) });
    const audit = await db().selectFrom('audit_log').select(['action', 'organisation_id', 'actor_user_id', 'changes']).where('entity_id', '=', link.userId).where('action', '=', 'auth.account_activated').execute();
    expect(audit).toEqual([{ action: 'auth.account_activated', organisation_id: session.info.organisation.id, actor_user_id: link.userId, changes: { renewed: false } }]);

    // The chosen password signs in; the commune's campaign is there, with its own commune only.
    const again = await signIn(t.app, link.email, NEW_PASSWORD);
    for (const as of [session, again]) {
      const list = await send(t.app, as, 'GET', '/api/campaigns');
      expect(list.statusCode, list.body).toBe(200);
      expect((list.json().campaigns as CampaignSummary[]).map((c) => c.id)).toContain(campaign.id);
      const detail = campaignDetailSchema.parse((await send(t.app, as, 'GET', `/api/campaigns/${campaign.id}`)).json());
      expect(detail.communes.map((c) => c.inseeCode)).toEqual(['56034']);
    }

    // The same link a second time.
    const spent = await countRows(db());
    expectError(await check(link.token), 'activation_invalid');
    expectError(await activate(link.token, 'encore-un-autre-mot-de-passe'), 'activation_invalid');
    expect(await countRows(db())).toEqual(spent);
    expect((await whoAmI(session)).statusCode).toBe(200);
    expectError(await loginAttempt(link.email, 'encore-un-autre-mot-de-passe'), 'invalid_credentials');
  });

  it('a forged token, an expired link (410) and a disabled account’s link are refused, and change nothing', async () => {
    const before = await countRows(db());
    const forged = randomBytes(32).toString('base64url');
    expectError(await check(forged), 'activation_invalid');
    expectError(await activate(forged, NEW_PASSWORD), 'activation_invalid');
    // The SHA-256 stored in the database is not a token either.
    const someHash = (await db().selectFrom('commune_invitations').select('token_hash').where('token_hash', 'is not', null).executeTakeFirstOrThrow()).token_hash!;
    expectError(await check(someHash), 'validation_failed');
    expect(await countRows(db())).toEqual(before);

    const expiring = await invite('56008');
    setClock(at(LINK_DAYS * DAY));
    const before2 = await countRows(db());
    expectError(await check(expiring.token), 'activation_expired');
    expectError(await activate(expiring.token, NEW_PASSWORD), 'activation_expired');
    expect(await countRows(db())).toEqual(before2);
    // A minute before the end, it still works.
    setClock(at(LINK_DAYS * DAY - 60_000));
    expect((await check(expiring.token)).statusCode).toBe(200);
    setClock(T0);

    const gone = await invite('56008');
    await db().updateTable('users').set({ status: 'disabled' }).where('id', '=', gone.userId).execute();
    const before3 = await countRows(db());
    expectError(await check(gone.token), 'activation_invalid');
    expectError(await activate(gone.token, NEW_PASSWORD), 'activation_invalid');
    expect(await countRows(db())).toEqual(before3);
    expect((await db().selectFrom('commune_invitations').select('token_hash').where('user_id', '=', gone.userId).executeTakeFirstOrThrow()).token_hash).toBe(sha256(gone.token));
    expectError(await loginAttempt(gone.email, NEW_PASSWORD), 'invalid_credentials');
  });

  it('an account locked by failed sign-in guesses before its activation is unlocked by the activation', async () => {
    const link = await invite('56008');
    for (let i = 1; i <= 4; i++) expectError(await loginAttempt(link.email, `devinette-${i}-mot-de-passe`), 'invalid_credentials');
    expectError(await loginAttempt(link.email, 'devinette-5-mot-de-passe'), 'account_locked');
    sessionOf(await activate(link.token, NEW_PASSWORD));
    expect((await loginAttempt(link.email, NEW_PASSWORD)).statusCode).toBe(200);
  });

  it('two activations with the same link at the same time: exactly one succeeds, and its password is the one kept', async () => {
    const link = await invite('56008');
    const passwords = ['premier-mot-de-passe-choisi', 'second-mot-de-passe-choisi'];
    const results = await Promise.all(passwords.map((p) => activate(link.token, p)));
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.slice().sort(), results.map((r) => r.body).join('\n')).toEqual([200, 400]);
    const winner = statuses.indexOf(200);
    expectError(results[1 - winner], 'activation_invalid');
    expect(results[1 - winner].headers['set-cookie']).toBeUndefined();
    expect(await db().selectFrom('sessions').select('id').where('user_id', '=', link.userId).execute()).toHaveLength(1);
    expect(await db().selectFrom('audit_log').select('id').where('entity_id', '=', link.userId).where('action', '=', 'auth.account_activated').execute()).toHaveLength(1);
    expect((await loginAttempt(link.email, passwords[winner])).statusCode).toBe(200);
    expectError(await loginAttempt(link.email, passwords[1 - winner]), 'invalid_credentials');
  });
});

describe('renewing a link', () => {
  it('the old token stops working, the new one works and counts from the renewal; linksSent increments; audited for the commune and the prefecture', async () => {
    const link = await invite('56034', { name: 'Nolwenn Carnac' });
    setClock(at(3 * DAY));
    const res = await renew(s(pref, 'coordinator'), link.userId);
    expect(res.statusCode, res.body).toBe(200);
    const renewed = renewLinkResultSchema.parse(res.json());
    const token2 = tokenOf(renewed.link);
    expect(token2).toMatch(TOKEN_RE);
    expect(token2).not.toBe(link.token);
    expect(renewed.link).toMatchObject({ userId: link.userId, email: link.email, inseeCode: '56034', expiresAt: at((3 + LINK_DAYS) * DAY).toISOString() });
    expect(renewed.link.url).toBe(`http://localhost:80/activation#${token2}`);
    expect(renewed.contact).toMatchObject({ status: 'pending', linksSent: 2, expiresAt: at((3 + LINK_DAYS) * DAY).toISOString() });
    expect(contactIn(await listAs(s(pref, 'administrator')), link.userId)).toMatchObject({ status: 'pending', linksSent: 2 });
    const inv = await db().selectFrom('commune_invitations').selectAll().where('user_id', '=', link.userId).executeTakeFirstOrThrow();
    expect(inv.token_hash).toBe(sha256(token2));
    expect(JSON.stringify(inv) + JSON.stringify(await db().selectFrom('audit_log').selectAll().execute())).not.toContain(token2);
    const audit = await db().selectFrom('audit_log').select(['organisation_id']).where('entity_id', '=', link.userId).where('action', '=', 'user.activation_link_renewed').execute();
    expect(audit.map((a) => a.organisation_id).sort()).toEqual([pref.org.id, renewed.contact.organisationId].sort());
    // Through PUBLIC_URL, the link points there.
    const viaPublic = renewLinkResultSchema.parse((await send(pub.app, s(pref, 'coordinator'), 'POST', `/api/onboarding/contacts/${link.userId}/link`)).json());
    expect(viaPublic.link.url.startsWith(`${PUBLIC_URL}/activation#`)).toBe(true);
    expect(viaPublic.contact.linksSent).toBe(3);
    const token3 = tokenOf(viaPublic.link);

    for (const old of [link.token, token2]) {
      expectError(await check(old), 'activation_invalid');
      expectError(await activate(old, NEW_PASSWORD), 'activation_invalid');
    }
    // Still valid 16 days after the first link (the first would have expired at 14).
    setClock(at(16 * DAY));
    expect((await check(token3)).statusCode).toBe(200);
    sessionOf(await activate(token3, NEW_PASSWORD));
    setClock(T0);
    expect((await signIn(t.app, link.email, NEW_PASSWORD)).info.user.id).toBe(link.userId);
  });

  it('renewing an activated account: the new link replaces the password and ends the account’s other sessions (HTTP 401, realtime session.ended)', async () => {
    const link = await invite('56034', { name: 'Tanguy Carnac' });
    const first = sessionOf(await activate(link.token, NEW_PASSWORD));
    const other = await signIn(t.app, link.email, NEW_PASSWORD);
    const ws = await WsClient.connect(port, other);
    const activatedAt = contactIn(await listAs(s(pref, 'coordinator')), link.userId)!.activatedAt;
    expect(activatedAt).not.toBeNull();

    const res = await renew(s(pref, 'administrator'), link.userId);
    expect(res.statusCode, res.body).toBe(200);
    const renewed = renewLinkResultSchema.parse(res.json());
    expect(renewed.contact).toMatchObject({ status: 'active', linksSent: 2, activatedAt });
    // Renewing alone changes nothing for the account.
    expect((await whoAmI(first)).statusCode).toBe(200);
    expect((await loginAttempt(link.email, NEW_PASSWORD)).statusCode).toBe(200);

    const replaced = 'un-mot-de-passe-de-remplacement';
    const info = await check(tokenOf(renewed.link));
    expect(info.statusCode, info.body).toBe(200);
    const fresh = sessionOf(await activate(tokenOf(renewed.link), replaced));
    expect(fresh.info.user).toMatchObject({ id: link.userId, mustChangePassword: false });
    expectError(await whoAmI(first), 'session_expired');
    expectError(await whoAmI(other), 'session_expired');
    expect((await whoAmI(fresh)).statusCode).toBe(200);
    expect(await ws.next((f) => f.type === 'session.ended')).toEqual({ type: 'session.ended', reason: 'password_reset' });
    expect((await ws.closed).code).toBe(WS_CLOSE_SESSION_ENDED);
    expectError(await loginAttempt(link.email, NEW_PASSWORD), 'invalid_credentials');
    expect((await loginAttempt(link.email, replaced)).statusCode).toBe(200);
    // The first activation date stays; the audit says it was a renewed link.
    expect(contactIn(await listAs(s(pref, 'coordinator')), link.userId)).toMatchObject({ status: 'active', activatedAt });
    const audit = await db().selectFrom('audit_log').select('changes').where('entity_id', '=', link.userId).where('action', '=', 'auth.account_activated').orderBy('id').execute();
    expect(audit.map((a) => a.changes)).toEqual([{ renewed: false }, { renewed: true }]);
  });

  it('a disabled account gets no new link', async () => {
    const link = await invite('56034');
    await db().updateTable('users').set({ status: 'disabled' }).where('id', '=', link.userId).execute();
    const before = await countRows(db());
    expectError(await renew(s(pref, 'coordinator'), link.userId), 'account_disabled');
    expect(await countRows(db())).toEqual(before);
  });
});

describe('completeness', () => {
  it('a late commune lists its invited contacts with name, e-mail, job title and phone (disabled accounts left out)', async () => {
    // Baden's contacts: Jeanne from the first import, plus a disabled one.
    const gone = await invite('56008', { name: 'Compte Désactivé', jobTitle: 'Ancien maire' });
    await db().updateTable('users').set({ status: 'disabled' }).where('id', '=', gone.userId).execute();
    const campaign = await createCampaign(['56008', '56260', '56021'], 'Complétude des contacts');
    setClock(T0);
    // 9 March is past: every commune that did not answer is late.
    const res = await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${campaign.id}/completeness?date=2026-03-09`);
    expect(res.statusCode, res.body).toBe(200);
    const c = completenessSchema.parse(res.json());
    expect(c.totals).toMatchObject({ asked: 3, late: 3 });
    const baden = c.late.find((l) => l.inseeCode === '56008')!;
    const jeanne = FIRST_EXPECTED[4];
    expect(baden.people).toContainEqual({ name: jeanne.name, email: jeanne.email, jobTitle: jeanne.jobTitle, phone: jeanne.phone });
    expect(baden.people.map((p) => p.email)).not.toContain(gone.email);
    expect(baden.contacts).toEqual(baden.people.map((p) => p.email));
    const vannesLate = c.late.find((l) => l.inseeCode === '56260')!;
    expect(vannesLate.people).toEqual(
      [
        { name: vannes.users.administrator!.display_name, email: vannes.users.administrator!.email, jobTitle: '', phone: '' },
        ...FIRST_EXPECTED.filter((e) => e.insee === '56260').map((e) => ({ name: e.name, email: e.email, jobTitle: e.jobTitle, phone: e.phone })),
      ].sort((a, b) => (a.email < b.email ? -1 : 1)),
    );
    // Brandérion (56021): nobody invited, no organisation.
    expect(c.late.find((l) => l.inseeCode === '56021')).toMatchObject({ people: [], contacts: [] });
  });
});

it('no request of this file got a 5xx answer', () => {
  expect(serverErrors).toEqual([]);
});
