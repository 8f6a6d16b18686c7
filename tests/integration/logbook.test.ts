import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { PDFParse } from 'pdf-parse';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login, startTestApp, type Session, type TestApp } from '../helpers/app';
import { buildWorld } from '../fixtures/factories';
import { catalogue, createEvent, multipartBody, postEntry, TINY_PNG } from '../fixtures/logbook';
import type { Entry, EventDetail } from '../../src/shared/schemas/logbook';
import { HIGHLIGHT_END, HIGHLIGHT_START } from '../../src/shared/schemas/logbook';

const run = promisify(execFile);

describe('main courante', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof buildWorld>>;
  let coord: Session;
  let contrib: Session;
  let reader: Session;
  let admin: Session;
  let outsider: Session;
  let event: EventDetail;
  let tags: Map<string, { id: string }>;

  const count = async (table: 'log_entries' | 'attachments' | 'events') =>
    Number((await t.db.database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    t = await startTestApp({ REQUESTS_PER_MINUTE: '1000000', ATTACHMENT_MAX_BYTES: '4096' });
    w = await buildWorld(t.db.database.db);
    [coord, contrib, reader, admin, outsider] = await Promise.all([
      login(t.app, w.usersA.coordinator.email),
      login(t.app, w.usersA.contributor.email),
      login(t.app, w.usersA.reader.email),
      login(t.app, w.usersA.administrator.email),
      login(t.app, w.usersB.administrator.email),
    ]);
    event = await createEvent(t.app, coord);
    tags = await catalogue(t.app, coord, '/api/tags');
  });
  afterAll(async () => t?.close());

  it('seeds the default catalogues for every new organisation', async () => {
    const types = await catalogue(t.app, reader, '/api/event-types');
    expect([...types.keys()]).toEqual(['Astreinte', 'Crise sanitaire', 'Inondation', 'Tempête', 'Canicule', 'Accident technologique', 'Grand rassemblement', 'Autre']);
    expect(tags.size).toBe(17);
    expect(tags.has('hébergement d’urgence')).toBe(true);
    expect((await catalogue(t.app, reader, '/api/functions')).has('Directeur des opérations')).toBe(true);
  });

  it('opens an event with a system entry, and shows sub-events as a tree', async () => {
    expect(event.entryCount).toBe(1);
    const child = await createEvent(t.app, coord, { title: 'Gymnase Jean-Bouin : centre d’hébergement', parentId: event.id, severity: 1 });
    expect(child.ancestors.map((a) => a.id)).toEqual([event.id]);
    const parent = (await call(t.app, reader, 'GET', `/api/events/${event.id}`)).json() as EventDetail;
    expect(parent.children.map((c) => c.id)).toContain(child.id);
    const first = (await call(t.app, reader, 'GET', `/api/events/${event.id}/entries`)).json().entries as Entry[];
    expect(first.at(-1)).toMatchObject({ seq: 1, kind: 'system' });
    // A reader may not create events; a contributor may not either.
    expect((await call(t.app, contrib, 'POST', '/api/events', { typeId: child.typeId, title: 'x' })).statusCode).toBe(403);
  });

  it('stores entries with author, function, source, tags, and both times', async () => {
    const fns = await catalogue(t.app, coord, '/api/functions');
    const occurredAt = new Date(Date.now() - 3600_000).toISOString();
    const e = await postEntry(t.app, contrib, event.id, {
      text: 'Montée des eaux au pont Juvénal, fermeture de la voie sur berge',
      occurredAt,
      functionId: fns.get('Logistique')!.id,
      source: 'Police municipale',
      tagIds: [tags.get('décision')!.id, tags.get('coordination')!.id],
      important: true,
    });
    expect(e).toMatchObject({ authorName: w.usersA.contributor.display_name, functionName: 'Logistique', source: 'Police municipale', tags: ['décision', 'coordination'], important: true, kind: 'entry' });
    expect(e.occurredAt).toBe(occurredAt);
    expect(Math.abs(Date.parse(e.recordedAt) - Date.now())).toBeLessThan(10_000);
    expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await call(t.app, reader, 'POST', `/api/events/${event.id}/entries`, { text: 'lecteur' })).statusCode).toBe(403);
  });

  it('refuses bad entries with clear errors and stores nothing', async () => {
    const before = await count('log_entries');
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ text: '   ' }, 400, 'validation_failed'],
      [{ text: 'x', tagIds: ['00000000-0000-4000-8000-000000000000'] }, 400, 'unknown_tag'],
      [{ text: 'x', occurredAt: new Date(Date.now() + 3600_000).toISOString() }, 400, 'occurred_in_future'],
      [{ text: 'x', kind: 'correction' }, 400, 'correction_required'],
      [{ text: 'x', attachmentIds: ['00000000-0000-4000-8000-000000000000'] }, 400, 'attachment_invalid'],
      [{ text: 'x', extra: 1 }, 400, 'validation_failed'],
    ];
    for (const [body, status, code] of cases) {
      const res = await call(t.app, contrib, 'POST', `/api/events/${event.id}/entries`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      expect(res.json().error.code).toBe(code);
      expect(res.json().error.message.length).toBeGreaterThan(5);
    }
    const other = await createEvent(t.app, coord, { title: 'Autre événement' });
    const foreign = await postEntry(t.app, contrib, other.id, { text: 'Entrée d’un autre événement' });
    const res = await call(t.app, contrib, 'POST', `/api/events/${event.id}/entries`, { text: 'correction', corrects: foreign.id });
    expect(res.json().error.code).toBe('correction_invalid');
    expect(await count('log_entries')).toBe(before + 2); // the other event's opening entry and its one entry
    // A time of fact slightly ahead (clock skew within tolerance) is accepted.
    await postEntry(t.app, contrib, other.id, { text: 'horloge en avance', occurredAt: new Date(Date.now() + 60_000).toISOString() });
  });

  it('never edits an entry: a correction references it, and the database refuses changes', async () => {
    const original = await postEntry(t.app, contrib, event.id, { text: 'Évacuation de 12 personnes du camping' });
    const fix = await postEntry(t.app, coord, event.id, { text: 'Évacuation de 21 personnes du camping', corrects: original.id });
    expect(fix).toMatchObject({ kind: 'correction', correctsId: original.id });
    const page = (await call(t.app, reader, 'GET', `/api/events/${event.id}/entries`)).json().entries as Entry[];
    expect(page.find((e) => e.id === original.id)!.correctedBy).toEqual([{ id: fix.id, seq: fix.seq, kind: 'correction' }]);
    await expect(sql`UPDATE log_entries SET text = 'x' WHERE id = ${original.id}`.execute(t.db.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM log_entries WHERE id = ${original.id}`.execute(t.db.database.db)).rejects.toThrow(/append-only/);
  });

  it('pages back through a long logbook without loading everything', async () => {
    const ev = await createEvent(t.app, coord, { title: 'Astreinte de décembre' });
    for (let i = 1; i <= 119; i++) await postEntry(t.app, contrib, ev.id, { text: `Appel n° ${i}` });
    const p1 = (await call(t.app, reader, 'GET', `/api/events/${ev.id}/entries?limit=50`)).json();
    expect(p1.entries).toHaveLength(50);
    expect(p1.entries[0].text).toBe('Appel n° 119');
    const p2 = (await call(t.app, reader, 'GET', `/api/events/${ev.id}/entries?limit=50&before=${p1.nextBefore}`)).json();
    expect(p2.entries[0].seq).toBe(p1.nextBefore - 1);
    const p3 = (await call(t.app, reader, 'GET', `/api/events/${ev.id}/entries?limit=50&before=${p2.nextBefore}`)).json();
    expect(p3.entries).toHaveLength(20);
    expect(p3.nextBefore).toBeNull();
    const filtered = (await call(t.app, reader, 'GET', `/api/events/${event.id}/entries?tag=${encodeURIComponent('décision')}`)).json().entries as Entry[];
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((e) => e.tags.includes('décision'))).toBe(true);
    const important = (await call(t.app, reader, 'GET', `/api/events/${event.id}/entries?important=true&source=police`)).json().entries as Entry[];
    expect(important.map((e) => e.source)).toEqual(['Police municipale']);
  });

  it('finds entries by French full-text search and by partial word, never across organisations', async () => {
    await postEntry(t.app, contrib, event.id, { text: 'Les inondations touchent le quartier Port Marianne', tagIds: [tags.get('personnes vulnérables')!.id] });
    const stem = (await call(t.app, reader, 'GET', `/api/search?q=${encodeURIComponent('inondation quartier')}`)).json();
    expect(stem.results.map((r: { entry: Entry }) => r.entry.text)).toContain('Les inondations touchent le quartier Port Marianne');
    const hit = stem.results.find((r: { entry: Entry }) => r.entry.text.startsWith('Les inondations'));
    expect(hit.highlight).toContain(`${HIGHLIGHT_START}inondations${HIGHLIGHT_END}`);
    expect(hit.eventTitle).toBe('Crue du Lez');
    // "Marian" is no French word stem of "Marianne": only the trigram fallback finds it.
    const partialRes = await call(t.app, reader, 'GET', `/api/search?q=Marian`);
    expect(partialRes.statusCode, partialRes.body).toBe(200);
    const partial = partialRes.json();
    expect(partial.total).toBe(1);
    expect(partial.results[0].highlight).toContain(`${HIGHLIGHT_START}Marian${HIGHLIGHT_END}`);
    const byTagRes = await call(t.app, reader, 'GET', `/api/search?tag=${encodeURIComponent('personnes vulnérables')}`);
    const byTag = byTagRes.json();
    expect(byTagRes.statusCode, byTagRes.body).toBe(200);
    expect(byTag.total).toBe(1);
    // Another organisation sees no title, no snippet, no count.
    const leak = (await call(t.app, outsider, 'GET', `/api/search?q=inondations`)).json();
    expect(leak).toEqual({ total: 0, results: [] });
    expect((await call(t.app, outsider, 'GET', `/api/events/${event.id}`)).statusCode).toBe(404);
    expect((await call(t.app, outsider, 'GET', `/api/events/${event.id}/entries`)).statusCode).toBe(404);
    expect((await call(t.app, outsider, 'POST', `/api/events/${event.id}/entries`, { text: 'intrusion' })).statusCode).toBe(404);
    expect((await call(t.app, outsider, 'GET', '/api/events')).json().events).toEqual([]);
  });

  it('lets an explicit share open an event to a partner, read-only unless shared for writing', async () => {
    const ev = await createEvent(t.app, coord, { title: 'Grand rassemblement : fête de la musique' });
    const share = await call(t.app, admin, 'POST', '/api/shares', { granteeOrganisationId: w.b.id, resourceType: 'events', resourceId: ev.id, access: 'read' });
    expect(share.statusCode).toBe(201);
    expect((await call(t.app, outsider, 'GET', `/api/events/${ev.id}`)).statusCode).toBe(200);
    expect((await call(t.app, outsider, 'GET', '/api/events')).json().events.map((e: { id: string }) => e.id)).toEqual([ev.id]);
    expect((await call(t.app, outsider, 'POST', `/api/events/${ev.id}/entries`, { text: 'SDIS : 3 VSAV engagés' })).statusCode).toBe(403);
    await call(t.app, admin, 'DELETE', `/api/shares/${share.json().id}`);
    expect((await call(t.app, outsider, 'GET', `/api/events/${ev.id}`)).statusCode).toBe(404);
  });

  it('chains entries with SHA-256 and names the first altered entry', async () => {
    const ev = await createEvent(t.app, coord, { title: 'Chaîne' });
    const a = await postEntry(t.app, contrib, ev.id, { text: 'première' });
    const b = await postEntry(t.app, contrib, ev.id, { text: 'deuxième' });
    expect(b.prevHash).toBe(a.hash);
    const ok = (await call(t.app, reader, 'GET', `/api/events/${ev.id}/verify`)).json();
    expect(ok).toMatchObject({ valid: true, entries: 3, firstInvalid: null, headHash: b.hash });
    // Someone with direct database access edits a row behind the application's back.
    await t.db.database.db.transaction().execute(async (tx) => {
      await sql`ALTER TABLE log_entries DISABLE TRIGGER log_entries_no_change`.execute(tx);
      await sql`UPDATE log_entries SET text = 'deuxieme (modifiée)' WHERE id = ${b.id}`.execute(tx);
      await sql`ALTER TABLE log_entries ENABLE TRIGGER log_entries_no_change`.execute(tx);
    });
    const broken = (await call(t.app, reader, 'GET', `/api/events/${ev.id}/verify`)).json();
    expect(broken.valid).toBe(false);
    expect(broken.firstInvalid).toMatchObject({ id: b.id, seq: 3 });
    expect(broken.firstInvalid.reason).toMatch(/modifiée/);

    const env = t.db.url ? { DATABASE_URL: t.db.url } : { DATA_DIR: t.db.dataDir! };
    if (!t.db.url) await t.db.database.close(); // PGlite: one process at a time on a data directory
    try {
      const err = await run(process.execPath, ['--import', 'tsx', 'src/server/cli/logbook-verify.ts', ev.id], { env: { ...process.env, ...env } }).catch((e: { code: number; stdout: string }) => e);
      expect((err as { code: number }).code).toBe(1);
      expect((err as { stdout: string }).stdout).toContain(`n° 3 (${b.id})`);
    } finally {
      if (!t.db.url) {
        const { openPglite } = await import('../../src/server/db/client');
        const reopened = await openPglite(t.db.dataDir!);
        Object.assign(t.db.database, reopened);
      }
    }
  });
});

describe('closing, reopening, attachments, exports and realtime', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof buildWorld>>;
  let coord: Session;
  let contrib: Session;
  let reader: Session;
  let admin: Session;

  beforeAll(async () => {
    t = await startTestApp({ REQUESTS_PER_MINUTE: '1000000', ATTACHMENT_MAX_BYTES: '4096' });
    w = await buildWorld(t.db.database.db);
    [coord, contrib, reader, admin] = await Promise.all([
      login(t.app, w.usersA.coordinator.email),
      login(t.app, w.usersA.contributor.email),
      login(t.app, w.usersA.reader.email),
      login(t.app, w.usersA.administrator.email),
    ]);
  });
  afterAll(async () => t?.close());

  it('makes a closed event read-only; only an administrator reopens it, and that is logged', async () => {
    const ev = await createEvent(t.app, coord, { title: 'Canicule juillet' });
    expect((await call(t.app, coord, 'POST', `/api/events/${ev.id}/close`)).json().status).toBe('closed');
    const res = await call(t.app, contrib, 'POST', `/api/events/${ev.id}/entries`, { text: 'trop tard' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('event_closed');
    expect((await call(t.app, coord, 'PATCH', `/api/events/${ev.id}`, { severity: 4 })).json().error.code).toBe('event_closed');
    expect((await call(t.app, coord, 'POST', `/api/events/${ev.id}/reopen`, { reason: 'nouvelle alerte' })).statusCode).toBe(403);
    const reopened = await call(t.app, admin, 'POST', `/api/events/${ev.id}/reopen`, { reason: 'Nouvelle vague de chaleur annoncée' });
    expect(reopened.json().status).toBe('active');
    const entries = (await call(t.app, reader, 'GET', `/api/events/${ev.id}/entries`)).json().entries as Entry[];
    expect(entries[0]).toMatchObject({ kind: 'system', important: true });
    expect(entries[0].text).toContain('Nouvelle vague de chaleur annoncée');
    const audit = (await call(t.app, admin, 'GET', '/api/audit?entityType=event')).json().records as Array<{ action: string }>;
    expect(audit.map((a) => a.action)).toContain('event.reopened');
  });

  it('checks attachments by content, size and event, and chains their hash', async () => {
    const ev = await createEvent(t.app, coord, { title: 'Pièces jointes' });
    const up = (name: string, type: string, data: Buffer, eventId = ev.id) => {
      const m = multipartBody('file', name, type, data);
      return t.app.inject({ method: 'POST', url: `/api/events/${eventId}/attachments`, payload: m.payload, headers: { ...m.headers, cookie: contrib.cookie, 'x-csrf-token': contrib.csrf } });
    };
    const before = await t.db.database.db.selectFrom('attachments').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect((await up('notes.txt', 'text/plain', Buffer.from('bonjour'))).json().error.code).toBe('attachment_type_forbidden');
    expect((await up('faux.png', 'image/png', Buffer.from('%PDF-1.4 pas une image'))).json().error.code).toBe('attachment_type_forbidden');
    const big = await up('grande.png', 'image/png', Buffer.concat([TINY_PNG, Buffer.alloc(8000)]));
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('attachment_too_large');
    const json = await call(t.app, contrib, 'POST', `/api/events/${ev.id}/attachments`, { file: 'x' });
    expect(json.statusCode).toBe(415);
    const after = await t.db.database.db.selectFrom('attachments').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));

    const ok = await up('digue.png', 'image/png', TINY_PNG);
    expect(ok.statusCode).toBe(201);
    const att = ok.json();
    const entry = await postEntry(t.app, contrib, ev.id, { text: 'Photo de la digue', attachmentIds: [att.id] });
    expect(entry.attachments).toEqual([att]);
    // An attachment belongs to one entry.
    expect((await call(t.app, contrib, 'POST', `/api/events/${ev.id}/entries`, { text: 'encore', attachmentIds: [att.id] })).json().error.code).toBe('attachment_invalid');
    const dl = await call(t.app, reader, 'GET', `/api/attachments/${att.id}`);
    expect(dl.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(dl.rawPayload, TINY_PNG)).toBe(0);
    expect((await call(t.app, reader, 'GET', `/api/events/${ev.id}/verify`)).json().valid).toBe(true);
  });

  it('exports CSV and PDF with every entry, corrections and the hash chain', async () => {
    const ev = await createEvent(t.app, coord, { title: 'Tempête Ciarán' });
    const child = await createEvent(t.app, coord, { title: 'Cellule communication', parentId: ev.id });
    const e1 = await postEntry(t.app, contrib, ev.id, { text: 'Arbre tombé avenue de Lodève', source: 'Services techniques' });
    await postEntry(t.app, coord, ev.id, { text: 'Arbre tombé rue de Lodève', corrects: e1.id });
    await postEntry(t.app, contrib, child.id, { text: 'Communiqué de presse diffusé' });
    const csv = await call(t.app, reader, 'GET', `/api/events/${ev.id}/export.csv?includeChildren=true`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.charCodeAt(0)).toBe(0xfeff);
    expect(csv.body).toContain('Arbre tombé avenue de Lodève');
    expect(csv.body).toContain('Communiqué de presse diffusé');
    expect(csv.body).toContain(e1.hash);
    const pdf = await call(t.app, reader, 'GET', `/api/events/${ev.id}/export.pdf?includeChildren=true`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = (await new PDFParse({ data: new Uint8Array(pdf.rawPayload) }).getText()).text;
    expect(text).toContain('Tempête Ciarán');
    expect(text).toContain('Arbre tombé rue de Lodève');
    expect(text).toContain('Correction de l’entrée n° 2');
    expect(text).toContain('Communiqué de presse diffusé');
    expect(text).toContain('intègre');
  });

  it('pushes new entries to every open page of the event, and tells who is viewing it', async () => {
    const ev = await createEvent(t.app, coord, { title: 'Temps réel' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as { port: number }).port;
    const open = (s: Session) =>
      new Promise<{ ws: WebSocket; frames: Array<Record<string, unknown>> }>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/api/realtime`, { headers: { cookie: s.cookie, origin: `http://127.0.0.1:${port}` } });
        const frames: Array<Record<string, unknown>> = [];
        ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as Record<string, unknown>));
        ws.on('open', () => {
          ws.send(JSON.stringify({ type: 'subscribe', topic: `event:${ev.id}` }));
          resolve({ ws, frames });
        });
        ws.on('error', reject);
      });
    const until = async (cond: () => boolean) => {
      for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
      expect(cond()).toBe(true);
    };
    const a = await open(reader);
    const b = await open(coord);
    const viewers = (f: Array<Record<string, unknown>>) => (f.filter((x) => x.type === 'presence').at(-1)?.viewers as Array<{ name: string }> | undefined)?.map((v) => v.name).sort();
    const both = [w.usersA.reader.display_name, w.usersA.coordinator.display_name].sort();
    await until(() => JSON.stringify(viewers(a.frames)) === JSON.stringify(both));
    const t0 = Date.now();
    const entry = await postEntry(t.app, contrib, ev.id, { text: 'Point de situation à 18 h' });
    await until(() => a.frames.some((f) => f.type === 'message' && (f.event as { entry?: Entry }).entry?.id === entry.id));
    expect(Date.now() - t0).toBeLessThan(1000);
    b.ws.close();
    await until(() => JSON.stringify(viewers(a.frames)) === JSON.stringify([w.usersA.reader.display_name]));
    a.ws.close();
  });
});
