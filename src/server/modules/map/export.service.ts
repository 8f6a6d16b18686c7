import type { AuthContext, Services } from '../../http/context';
import { perimeterCategoryLabels } from '../../../shared/schemas/map';
import { requireVisibleEvent } from '../events';
import { locatedEntries, perimetersOf, visibleDescendants } from './map.repository';
import { presentPerimeter } from './perimeters.service';
import { fileSlug } from './layers.service';

/**
 * The event's own geometries as one GeoJSON FeatureCollection (RFC 7946, WGS 84): its place, its
 * perimeters, the entries of its main courante that carry a position, and the places of the
 * sub-events the person may see. `properties.kind` tells them apart (`event`, `perimeter`,
 * `entry`, `sub_event`); a GIS opens the file as it is.
 */
export async function exportEventGeojson(services: Services, auth: AuthContext, eventId: string): Promise<{ fileName: string; body: string }> {
  const e = await requireVisibleEvent(services.db, auth, eventId);
  const [perimeters, children, entries] = await Promise.all([perimetersOf(services.db, eventId), visibleDescendants(services.db, auth, eventId), locatedEntries(services.db, eventId)]);
  const features: unknown[] = [];
  if (e.place) {
    features.push({
      type: 'Feature',
      id: `event:${e.id}`,
      geometry: e.place,
      properties: { kind: 'event', eventId: e.id, title: e.title, status: e.status, severity: e.severity },
    });
  }
  for (const r of perimeters) {
    const p = presentPerimeter(r);
    features.push({
      type: 'Feature',
      id: `perimeter:${p.id}`,
      geometry: p.geometry,
      properties: {
        kind: 'perimeter',
        perimeterId: p.id,
        eventId: p.eventId,
        category: p.category,
        categoryLabel: perimeterCategoryLabels[p.category],
        label: p.label,
        colour: p.style.colour,
        lineWidth: p.style.lineWidth,
        lineDash: p.style.lineDash,
        fillOpacity: p.style.fillOpacity,
        version: p.version,
        createdByName: p.createdByName,
        createdAt: p.createdAt,
        updatedByName: p.updatedByName,
        updatedAt: p.updatedAt,
      },
    });
  }
  for (const en of entries) {
    const p = en.position!;
    features.push({
      type: 'Feature',
      id: `entry:${en.id}`,
      geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
      properties: {
        kind: 'entry',
        entryId: en.id,
        eventId,
        seq: en.seq,
        entryKind: en.kind,
        occurredAt: en.occurred_at.toISOString(),
        authorName: en.author_name,
        functionName: en.function_name,
        source: en.source,
        text: en.text,
        important: en.important,
        correctsId: en.corrects_id,
        positionSource: p.source,
        accuracy: p.accuracy,
      },
    });
  }
  for (const c of children) {
    if (!c.place) continue;
    features.push({
      type: 'Feature',
      id: `event:${c.id}`,
      geometry: c.place,
      properties: { kind: 'sub_event', eventId: c.id, parentId: c.parent_id, title: c.title, status: c.status, severity: c.severity },
    });
  }
  const body = JSON.stringify({ type: 'FeatureCollection', name: e.title, features });
  return { fileName: `carte-${fileSlug(e.title)}-${new Date().toISOString().slice(0, 10)}.geojson`, body };
}
