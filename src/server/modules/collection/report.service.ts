// The morning report: what a prefect reads at 9 o'clock, on paper or as a PDF attached to a mail.
// Totals by indicator (the day, 7 periods, since the start), the map of alert levels, the new
// alarms with their reasons, the ongoing ones, and the late communes with their contacts.

import PDFDocument from 'pdfkit';
import { sql } from 'kysely';
import type { AuthContext, Services } from '../../http/context';
import { alertLevelColors, alertLevelLabels, isNewAlarm, OVERVIEW_WINDOW, TOTAL_INDICATOR, type OverviewCommune } from '../../../shared/schemas/collection';
import { levelRank } from './alerts';
import { indicatorsOf } from './collection.repository';
import { completeness } from './declarations.service';
import { overview, requireOwnedCampaign, totals } from './overview.service';
import { pdfText, slug } from '../../lib/csv';
import { addDays, daysBetween, periodStep } from './paris-time';

const NO_ANSWER = '#d9d9d9';

const longDay = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const stamp = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Paris' });
const fmt1 = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const fmt0 = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });

type Geometry = { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] };

/** The new alarms of the date: communes whose level rose since the previous period. */
export function newAlarms(communes: OverviewCommune[]): OverviewCommune[] {
  return communes.filter(isNewAlarm).sort((a, b) => levelRank(b.level) - levelRank(a.level) || a.name.localeCompare(b.name, 'fr'));
}

export async function reportPdf(services: Services, auth: AuthContext, id: string, date: string): Promise<{ fileName: string; body: Buffer }> {
  const db = services.db;
  const campaign = await requireOwnedCampaign(services, auth, id);
  const ov = await overview(services, auth, id, { date, indicator: TOTAL_INDICATOR });
  const comp = await completeness(services, auth, id, date);
  const indicators = await indicatorsOf(db, [id]);
  const step = periodStep(campaign.period);
  const weekFrom = addDays(date, -(OVERVIEW_WINDOW - 1) * step);
  // A date before the campaign's start gives empty spans (from = to = date), never a reversed one.
  const first = campaign.start_date < date ? campaign.start_date : date;
  const since = daysBetween(first, date) > 366 ? addDays(date, -366) : first;
  const [week, all] = await Promise.all([
    totals(services, auth, id, { from: weekFrom < first ? first : weekFrom, to: date }),
    totals(services, auth, id, { from: since, to: date }),
  ]);
  const outlines = await sql<{ insee_code: string; outline: Geometry | null }>`SELECT m.insee_code, m.outline FROM collection_campaign_communes cc
    JOIN communes m ON m.insee_code = cc.insee_code WHERE cc.campaign_id = ${id}`.execute(db);

  const doc = new PDFDocument({ size: 'A4', margins: { top: 40, bottom: 50, left: 40, right: 40 }, bufferPages: true, info: { Title: `Rapport du matin — ${campaign.name} — ${date}`, Author: 'Vigie', Creator: 'Vigie' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const left = 40;
  const width = doc.page.width - 80;
  const grey = '#555555';
  const ink = '#1e1e1e';
  const text = (s: string, o: PDFKit.Mixins.TextOptions = {}) => doc.text(pdfText(s), { width, ...o });
  const ensure = (space: number) => {
    if (doc.y > doc.page.height - 50 - space) doc.addPage();
  };

  // Title
  doc.font('Helvetica-Bold').fontSize(18).fillColor('#000091');
  text('Rapport du matin');
  doc.font('Helvetica-Bold').fontSize(13).fillColor(ink);
  text(campaign.name);
  doc.font('Helvetica').fontSize(9.5).fillColor(grey);
  text(`${auth.organisation.name} — ${ov.department.name} (${ov.department.code}) — ${longDay.format(new Date(`${date}T12:00:00Z`))}`);
  text(
    `Édité le ${stamp.format(services.now())} par ${auth.user.displayName}. ${comp.totals.answered} communes sur ${comp.totals.asked} ont répondu` +
      `${comp.deadlinePassed ? `, ${comp.totals.late} en retard (échéance ${campaign.deadline})` : ` (échéance ${campaign.deadline}, pas encore atteinte)`}.` +
      (ov.detectionUpdatedAt ? ` Détection calculée le ${stamp.format(new Date(ov.detectionUpdatedAt))}.` : ''),
  );
  doc.moveDown(0.6);

  // Department level
  const dep = ov.department;
  const boxY = doc.y;
  doc.rect(left, boxY, width, 26).fill(alertLevelColors[dep.level]);
  doc.font('Helvetica-Bold').fontSize(12).fillColor(dep.level === 'jaune' ? ink : '#ffffff');
  doc.text(pdfText(`Niveau départemental : ${alertLevelLabels[dep.level]}${dep.previousLevel !== dep.level ? ` (la veille : ${alertLevelLabels[dep.previousLevel]})` : ''}`), left + 10, boxY + 8, { width: width - 20 });
  doc.y = boxY + 32;
  doc.x = left;
  doc.font('Helvetica').fontSize(9).fillColor(ink);
  if (dep.reasons.length) for (const r of dep.reasons) text(`• ${r.message}`);
  else text('Aucune règle départementale ni alarme statistique sur le département.');
  const counts = (['rouge', 'orange', 'jaune', 'vert'] as const).map((l) => `${alertLevelLabels[l]} : ${dep.levelCounts[l]}`).join('   ');
  doc.fillColor(grey);
  text(`Communes par niveau — ${counts}`);
  doc.moveDown(0.6);

  // Figures by indicator
  doc.font('Helvetica-Bold').fontSize(11).fillColor(ink);
  text('Chiffres du département');
  doc.moveDown(0.2);
  const dayRow = all.periods.find((p) => p.date === date);
  const sumOf = (ps: typeof all.periods, key: string | null) => ps.reduce((s, p) => s + (key ? (p.values[key] ?? 0) : p.total), 0);
  const headers = ['Indicateur', 'Le jour', `${OVERVIEW_WINDOW} ${step === 7 ? 'semaines' : 'jours'}`, 'Depuis le début', `Taux ${OVERVIEW_WINDOW} ${step === 7 ? 'sem.' : 'j'} / 100 000`];
  const colW = [width - 4 * 90, 90, 90, 90, 90];
  const rows = [
    ...indicators.map((i) => [i.label, dayRow?.values[i.key] ?? 0, sumOf(week.periods, i.key), sumOf(all.periods, i.key)] as const),
    ['Total', dayRow?.total ?? 0, sumOf(week.periods, null), sumOf(all.periods, null)] as const,
  ];
  const drawRow = (cells: string[], bold: boolean, shade: boolean) => {
    ensure(16);
    const y = doc.y;
    if (shade) doc.rect(left, y - 2, width, 15).fill('#f1f3f6');
    let x = left;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9).fillColor(ink);
    cells.forEach((c, i) => {
      doc.text(pdfText(c), x + 3, y, { width: colW[i] - 6, align: i === 0 ? 'left' : 'right', lineBreak: false });
      x += colW[i];
    });
    doc.x = left;
    doc.y = y + 15;
  };
  drawRow(headers, true, true);
  rows.forEach((r, i) => {
    const isTotal = i === rows.length - 1;
    const rate = dep.population > 0 ? (Number(r[2]) / dep.population) * 100_000 : null;
    drawRow([String(r[0]), fmt0.format(Number(r[1])), fmt0.format(Number(r[2])), fmt0.format(Number(r[3])), rate === null ? '—' : fmt1.format(rate)], isTotal, false);
  });
  doc.moveDown(0.8);

  // Map of levels
  ensure(300);
  doc.font('Helvetica-Bold').fontSize(11).fillColor(ink);
  text('Carte des niveaux d’alerte');
  const mapTop = doc.y + 4;
  const mapH = 280;
  drawLevelMap(doc, outlines.rows, new Map(ov.communes.map((c) => [c.inseeCode, c])), { x: left, y: mapTop, w: width - 150, h: mapH });
  // Legend
  let ly = mapTop + 10;
  const lx = left + width - 140;
  doc.font('Helvetica').fontSize(8.5);
  for (const l of ['rouge', 'orange', 'jaune', 'vert'] as const) {
    doc.rect(lx, ly, 12, 10).fill(alertLevelColors[l]);
    doc.fillColor(ink).text(`${alertLevelLabels[l]} (${dep.levelCounts[l]})`, lx + 18, ly + 1, { width: 120, lineBreak: false });
    ly += 16;
  }
  doc.rect(lx, ly, 12, 10).fill(NO_ANSWER);
  doc.fillColor(ink).text('Vert, sans réponse ce jour', lx + 18, ly + 1, { width: 120 });
  doc.x = left;
  doc.y = mapTop + mapH + 10;

  // New alarms, then ongoing ones
  const fresh = newAlarms(ov.communes);
  const ongoing = ov.communes.filter((c) => c.level !== 'vert' && !fresh.includes(c)).sort((a, b) => levelRank(b.level) - levelRank(a.level) || a.name.localeCompare(b.name, 'fr'));
  ensure(40);
  doc.font('Helvetica-Bold').fontSize(11).fillColor(ink);
  text(`Nouvelles alarmes (${fresh.length})`);
  doc.moveDown(0.2);
  if (fresh.length === 0) {
    doc.font('Helvetica').fontSize(9).fillColor(grey);
    text('Aucune commune n’est montée de niveau depuis la veille.');
  }
  for (const c of fresh) alarmBlock(c, true);
  doc.moveDown(0.5);
  ensure(40);
  doc.font('Helvetica-Bold').fontSize(11).fillColor(ink);
  text(`Alarmes en cours (${ongoing.length})`);
  doc.moveDown(0.2);
  if (ongoing.length === 0) {
    doc.font('Helvetica').fontSize(9).fillColor(grey);
    text('Aucune autre commune au-dessus du vert.');
  }
  for (const c of ongoing) alarmBlock(c, false);

  function alarmBlock(c: OverviewCommune, isNew: boolean) {
    ensure(30);
    const y = doc.y;
    doc.rect(left, y + 1, 8, 8).fill(alertLevelColors[c.level]);
    doc.font('Helvetica-Bold').fontSize(9.5).fillColor(ink);
    doc.text(
      pdfText(`${c.name} (${c.inseeCode}) — ${alertLevelLabels[c.level]}${isNew ? ` (la veille : ${alertLevelLabels[c.previousLevel]})` : ''}${c.value === null ? ' — pas de réponse ce jour' : ` — ${fmt0.format(c.value)} ce jour`}`),
      left + 14,
      y,
      { width: width - 14 },
    );
    doc.font('Helvetica').fontSize(8.5).fillColor('#333333');
    for (const r of c.reasons) doc.text(pdfText(`${r.source === 'rule' ? 'Règle' : 'Détection'} : ${r.message}`), left + 14, doc.y, { width: width - 14 });
    doc.x = left;
    doc.moveDown(0.3);
  }

  // Late communes
  doc.moveDown(0.5);
  ensure(40);
  doc.font('Helvetica-Bold').fontSize(11).fillColor(ink);
  text(comp.deadlinePassed ? `Communes en retard (${comp.late.length})` : `Communes sans réponse (${comp.totals.missing}) — échéance ${campaign.deadline} pas encore atteinte`);
  doc.moveDown(0.2);
  const lateList = comp.deadlinePassed ? comp.late : comp.communes.filter((c) => c.status !== 'answered').map((c) => ({ inseeCode: c.inseeCode, name: c.name, people: [] as Array<{ name: string; email: string; jobTitle: string; phone: string }> }));
  doc.font('Helvetica').fontSize(8.5).fillColor(ink);
  if (lateList.length === 0) text('Toutes les communes ont répondu.');
  for (const l of lateList) {
    ensure(14);
    const people = l.people.map((p) => [p.name, p.jobTitle, p.phone, p.email].filter(Boolean).join(', ')).join(' ; ');
    text(`${l.name} (${l.inseeCode})${people ? ` — ${people}` : comp.deadlinePassed ? ' — aucun contact enregistré' : ''}`);
  }

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    doc.page.margins.bottom = 0;
    doc.font('Helvetica').fontSize(7.5).fillColor(grey);
    doc.text(pdfText(`Vigie — ${campaign.name} — rapport du ${date} — page ${i + 1} / ${range.count}`), left, doc.page.height - 32, { width, align: 'center', lineBreak: false });
  }
  doc.end();
  return { fileName: `rapport-${slug(campaign.name)}-${date}.pdf`, body: await done };
}

/** Communes filled with their level's colour (grey when green and silent that day), in an equirectangular projection. */
function drawLevelMap(
  doc: PDFKit.PDFDocument,
  outlines: Array<{ insee_code: string; outline: Geometry | null }>,
  byCode: Map<string, OverviewCommune>,
  box: { x: number; y: number; w: number; h: number },
) {
  const polys = outlines.flatMap((o) => (o.outline ? [{ code: o.insee_code, rings: (o.outline.type === 'Polygon' ? [o.outline.coordinates] : o.outline.coordinates).flat() }] : []));
  if (polys.length === 0) {
    doc.font('Helvetica').fontSize(9).fillColor('#555555').text('Contours des communes indisponibles.', box.x, box.y + 10);
    return;
  }
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of polys) {
    for (const ring of p.rings) {
      for (const [lon, lat] of ring) {
        minX = Math.min(minX, lon);
        maxX = Math.max(maxX, lon);
        minY = Math.min(minY, lat);
        maxY = Math.max(maxY, lat);
      }
    }
  }
  const k = Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
  const scale = Math.min(box.w / ((maxX - minX) * k), box.h / (maxY - minY));
  const ox = box.x + (box.w - (maxX - minX) * k * scale) / 2;
  const oy = box.y + (box.h - (maxY - minY) * scale) / 2;
  const px = (lon: number) => ox + (lon - minX) * k * scale;
  const py = (lat: number) => oy + (maxY - lat) * scale;
  doc.save();
  doc.lineWidth(0.3);
  for (const p of polys) {
    const c = byCode.get(p.code);
    const fill = !c ? '#ffffff' : c.level === 'vert' && c.value === null ? NO_ANSWER : alertLevelColors[c.level];
    for (const ring of p.rings) {
      ring.forEach(([lon, lat], i) => (i === 0 ? doc.moveTo(px(lon), py(lat)) : doc.lineTo(px(lon), py(lat))));
      doc.closePath();
    }
    doc.fillAndStroke(fill, '#555555', 'even-odd');
  }
  doc.restore();
}
