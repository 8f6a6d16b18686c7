import PDFDocument from 'pdfkit';
import { csvCell } from '../../lib/csv';
import type { Kysely } from 'kysely';
import type { DB, EntryRow, EventRow } from '../../db/schema';
import type { AuthContext, Services } from '../../http/context';
import { eventStatusLabels, severityInfo, type Severity } from '../../../shared/schemas/logbook';
import { canReadEvent, requireVisibleEvent } from '../events';
import { verifyChain, type ChainCheck } from './chain';

const kindLabels: Record<EntryRow['kind'], string> = { entry: 'Entrée', correction: 'Correction', cancellation: 'Annulation', system: 'Système' };
const dateTime = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'medium', timeZone: 'Europe/Paris' });
const fmt = (d: Date | null) => (d ? dateTime.format(d) : '');

interface ExportEvent {
  event: EventRow & { type_name: string };
  depth: number;
  entries: EntryRow[];
  attachments: Map<string, { file_name: string; sha256: string }>;
  chain: ChainCheck;
}

/** The event and, optionally, its visible descendants, in tree order, each with all its entries. */
async function collect(db: Kysely<DB>, auth: AuthContext, rootId: string, includeChildren: boolean): Promise<ExportEvent[]> {
  await requireVisibleEvent(db, auth, rootId);
  const out: ExportEvent[] = [];
  const walk = async (id: string, depth: number) => {
    const event = await db.selectFrom('events as e').innerJoin('event_types as t', 't.id', 'e.type_id').selectAll('e').select('t.name as type_name').where('e.id', '=', id).executeTakeFirstOrThrow();
    if (depth > 0 && !(await canReadEvent(db, auth, event))) return;
    const entries = await db.selectFrom('log_entries').selectAll().where('event_id', '=', id).orderBy('seq').execute();
    const ids = [...new Set(entries.flatMap((e) => e.attachment_ids))];
    const atts = ids.length ? await db.selectFrom('attachments').select(['id', 'file_name', 'sha256']).where('id', 'in', ids).execute() : [];
    out.push({ event, depth, entries, attachments: new Map(atts.map((a) => [a.id, a])), chain: await verifyChain(db, id) });
    if (!includeChildren) return;
    const children = await db.selectFrom('events').select('id').where('parent_id', '=', id).orderBy('starts_at').execute();
    for (const c of children) await walk(c.id, depth + 1);
  };
  await walk(rootId, 0);
  return out;
}

function correctionsIndex(entries: EntryRow[]): Map<string, EntryRow[]> {
  const m = new Map<string, EntryRow[]>();
  for (const e of entries) if (e.corrects_id) m.set(e.corrects_id, [...(m.get(e.corrects_id) ?? []), e]);
  return m;
}


/** CSV for spreadsheets in French locales: UTF-8 with BOM, `;` separator, one row per entry. */
export async function exportCsv(services: Services, auth: AuthContext, eventId: string, includeChildren: boolean): Promise<{ fileName: string; body: string }> {
  const events = await collect(services.db, auth, eventId, includeChildren);
  const header = [
    'événement', 'id événement', 'n°', 'nature', 'heure du fait', 'heure d’enregistrement', 'auteur', 'fonction', 'source', 'étiquettes', 'important',
    'texte', 'corrige le n°', 'corrigé par les n°', 'pièces jointes (SHA-256)', 'empreinte précédente', 'empreinte',
  ];
  const lines = [header.map(csvCell).join(';')];
  for (const ev of events) {
    const bySeq = new Map(ev.entries.map((e) => [e.id, e.seq]));
    const corrections = correctionsIndex(ev.entries);
    for (const e of ev.entries) {
      lines.push(
        [
          ev.event.title, ev.event.id, e.seq, kindLabels[e.kind], e.occurred_at.toISOString(), e.recorded_at.toISOString(), e.author_name, e.function_name, e.source,
          e.tags.join(', '), e.important ? 'oui' : 'non', e.text, e.corrects_id ? (bySeq.get(e.corrects_id) ?? '') : '',
          (corrections.get(e.id) ?? []).map((c) => c.seq).join(', '),
          e.attachment_ids.map((id) => { const a = ev.attachments.get(id); return a ? `${a.file_name} (${a.sha256})` : id; }).join(', '),
          e.prev_hash, e.hash,
        ].map(csvCell).join(';'),
      );
    }
  }
  return { fileName: fileNameFor(events[0].event, 'csv'), body: '\ufeff' + lines.join('\r\n') + '\r\n' };
}

function fileNameFor(e: EventRow, ext: string): string {
  const slug = e.title.normalize('NFD').replace(/\p{M}/gu, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase().slice(0, 60) || 'evenement';
  return `main-courante-${slug}-${new Date().toISOString().slice(0, 10)}.${ext}`;
}

/**
 * A PDF laid out for reading and printing (retour d’expérience): a cover with the event, its
 * verification status and head hash; then entries in order with both times, author, function,
 * source, tags; corrected entries struck through with a pointer to their correction; each
 * entry's hash in small print, so the printed archive can be checked later.
 */
export async function exportPdf(services: Services, auth: AuthContext, eventId: string, includeChildren: boolean): Promise<{ fileName: string; body: Buffer }> {
  const events = await collect(services.db, auth, eventId, includeChildren);
  const doc = new PDFDocument({ size: 'A4', margins: { top: 56, bottom: 56, left: 50, right: 50 }, bufferPages: true, info: { Title: `Main courante — ${events[0].event.title}`, Author: 'Vigie', Creator: 'Vigie' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const width = doc.page.width - 100;
  const grey = '#555555';

  doc.font('Helvetica-Bold').fontSize(20).fillColor('#000091').text('Main courante', { width });
  doc.moveDown(0.3).font('Helvetica-Bold').fontSize(15).fillColor('#1e1e1e').text(events[0].event.title, { width });
  doc.moveDown(0.5).font('Helvetica').fontSize(9).fillColor(grey).text(`Export du ${fmt(new Date())} par ${auth.user.displayName} (${auth.organisation.name}).`, { width });
  doc.moveDown(1);

  for (const ev of events) {
    const e = ev.event;
    if (ev.depth > 0) doc.addPage();
    const sev = severityInfo[e.severity as Severity];
    if (ev.depth > 0) doc.font('Helvetica-Bold').fontSize(14).fillColor('#1e1e1e').text(`Événement fils : ${e.title}`, { width });
    doc.font('Helvetica').fontSize(9.5).fillColor('#1e1e1e');
    const facts = [
      `Type : ${e.type_name}    Statut : ${eventStatusLabels[e.status]}    Vigilance : ${sev.label}`,
      `Début : ${fmt(e.starts_at)}${e.ends_at ? `    Fin : ${fmt(e.ends_at)}` : ''}`,
      `${ev.entries.length} entrée(s).  Chaîne d’empreintes : ${ev.chain.valid ? 'intègre' : `ROMPUE à l’entrée n° ${ev.chain.firstInvalid?.seq} (${ev.chain.firstInvalid?.reason})`}.`,
      `Dernière empreinte (SHA-256) : ${e.last_hash ?? '—'}`,
    ];
    for (const f of facts) doc.text(f, { width });
    if (e.description) doc.moveDown(0.4).fillColor(grey).text(e.description, { width });
    doc.moveDown(0.8);
    doc.moveTo(50, doc.y).lineTo(50 + width, doc.y).strokeColor('#cccccc').stroke();
    doc.moveDown(0.5);

    const bySeq = new Map(ev.entries.map((x) => [x.id, x.seq]));
    const corrections = correctionsIndex(ev.entries);
    for (const entry of ev.entries) {
      const correctedBy = corrections.get(entry.id) ?? [];
      const superseded = correctedBy.length > 0;
      if (doc.y > doc.page.height - 140) doc.addPage();
      const head = `n° ${entry.seq}  ·  ${fmt(entry.occurred_at)}  (enregistré ${fmt(entry.recorded_at)})  ·  ${entry.author_name}${entry.function_name ? ` — ${entry.function_name}` : ''}`;
      doc.font('Helvetica-Bold').fontSize(9).fillColor(entry.important ? '#b60000' : '#1e1e1e').text(`${entry.important ? '! ' : ''}${head}`, { width });
      const meta = [
        entry.kind !== 'entry' ? kindLabels[entry.kind] + (entry.corrects_id ? ` de l’entrée n° ${bySeq.get(entry.corrects_id) ?? '?'}` : '') : null,
        entry.source ? `Source : ${entry.source}` : null,
        entry.tags.length ? `Étiquettes : ${entry.tags.join(', ')}` : null,
      ].filter(Boolean);
      if (meta.length) doc.font('Helvetica-Oblique').fontSize(8.5).fillColor(grey).text(meta.join('   ·   '), { width });
      doc.font('Helvetica').fontSize(10).fillColor(superseded ? '#777777' : '#1e1e1e').text(entry.text, { width, strike: superseded } as PDFKit.Mixins.TextOptions);
      if (superseded) {
        doc.font('Helvetica-Oblique').fontSize(8.5).fillColor('#b60000').text(correctedBy.map((c) => `${kindLabels[c.kind]} : voir l’entrée n° ${c.seq}`).join(' ; '), { width });
      }
      for (const id of entry.attachment_ids) {
        const a = ev.attachments.get(id);
        if (a) doc.font('Helvetica').fontSize(8).fillColor(grey).text(`Pièce jointe : ${a.file_name} (SHA-256 ${a.sha256})`, { width });
      }
      doc.font('Courier').fontSize(6.5).fillColor('#8a8a8a').text(`empreinte ${entry.hash}${entry.prev_hash ? `  (précédente ${entry.prev_hash.slice(0, 16)}…)` : ''}`, { width });
      doc.moveDown(0.6);
    }
  }

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing in the bottom margin would otherwise make pdfkit open a new page.
    doc.page.margins.bottom = 0;
    doc.font('Helvetica').fontSize(8).fillColor(grey);
    doc.text(`Vigie — main courante « ${events[0].event.title} » — page ${i + 1} / ${range.count}`, 50, doc.page.height - 40, { width, align: 'center', lineBreak: false });
  }
  doc.end();
  return { fileName: fileNameFor(events[0].event, 'pdf'), body: await done };
}
