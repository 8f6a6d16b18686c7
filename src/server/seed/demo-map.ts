import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { RealtimeHub } from '../realtime/hub';
import { appendEntry } from '../modules/logbook';
import { lockEvent } from '../modules/events';
import { readLayerFile, reprojectLayer } from '../modules/map/layer-file';
import { defaultPerimeterStyles, type PerimeterCategory, type PerimeterGeometry } from '../../shared/schemas/map';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

// Sensitive places of the demo city (fictional names, plausible places in Montpellier, WGS 84).
const SITES: Array<{ nom: string; type: string; capacite: number | null; lon: number; lat: number }> = [
  { nom: 'Gymnase Jean-Bouin', type: 'hébergement d’urgence', capacite: 120, lon: 3.8861, lat: 43.6049 },
  { nom: 'École maternelle des Berges (démo)', type: 'école', capacite: 140, lon: 3.8992, lat: 43.6041 },
  { nom: 'Groupe scolaire Port-Marianne (démo)', type: 'école', capacite: 320, lon: 3.9024, lat: 43.6003 },
  { nom: 'Collège des Aiguerelles (démo)', type: 'collège', capacite: 600, lon: 3.8832, lat: 43.6001 },
  { nom: 'EHPAD Les Glycines (démo)', type: 'EHPAD', capacite: 84, lon: 3.8702, lat: 43.6212 },
  { nom: 'Résidence autonomie du Lez (démo)', type: 'EHPAD', capacite: 60, lon: 3.8951, lat: 43.6128 },
  { nom: 'Clinique du Parc (démo)', type: 'santé', capacite: null, lon: 3.8652, lat: 43.6151 },
];

/**
 * Demo of the event map on the flood of the Lez: a layer of the city's sensitive places (shared by
 * every event), an evacuation zone and a road closure drawn for the flood, and two entries placed
 * on the map (one from a phone's location). Each perimeter has its main courante entry, as drawn
 * through the application.
 */
export async function seedDemoMap(tx: Kysely<DB>, realtime: RealtimeHub, organisationId: string, people: Map<string, { id: string; name: string }>) {
  const coordinator = people.get('coordinator');
  if (!coordinator) return;
  const geojson = JSON.stringify({
    type: 'FeatureCollection',
    features: SITES.map((s, i) => ({ type: 'Feature', id: i + 1, properties: { nom: s.nom, type: s.type, capacite: s.capacite }, geometry: { type: 'Point', coordinates: [s.lon, s.lat] } })),
  });
  const data = Buffer.from(geojson, 'utf8');
  const layer = reprojectLayer(readLayerFile(data, data.length), 'EPSG:4326');
  const row = await tx
    .insertInto('map_layers')
    .values({
      organisation_id: organisationId,
      event_id: null,
      name: 'Établissements sensibles',
      kind: 'geojson',
      file_name: 'etablissements_sensibles.geojson',
      file_sha256: createHash('sha256').update(data).digest('hex'),
      file_size: data.length,
      source_crs: 'EPSG:4326',
      crs_origin: 'default',
      feature_count: layer.featureCount,
      geometry_types: layer.geometryTypes,
      bbox: layer.bbox,
      attribute_names: layer.attributeNames,
      style: JSON.stringify({ colour: '#7b2d8e', icon: 'school', labelField: 'nom' }),
      created_by: coordinator.id,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx.insertInto('map_layer_data').values({ layer_id: row.id, geojson: layer.geojson, geojson_gzip: gzipSync(layer.geojson), sha256: layer.sha256 }).execute();

  const lez = await tx.selectFrom('events').select(['id']).where('organisation_id', '=', organisationId).where('title', 'like', 'Crue du Lez%').executeTakeFirst();
  if (!lez) return;
  const contributor = people.get('contributor') ?? coordinator;
  const e = (await lockEvent(tx, lez.id))!;
  const now = e.now.getTime();
  const last = e.last_entry_at?.getTime() ?? 0;
  const write = (minutesAgo: number, who: { id: string; name: string }, text: string, o: { system?: boolean; important?: boolean; position?: { lon: number; lat: number; accuracy: number | null; source: 'device' | 'map' } } = {}) => {
    e.now = new Date(Math.max(now - minutesAgo * 60_000, last + 60_000));
    return appendEntry(tx, realtime, e, {
      kind: o.system ? 'system' : 'entry',
      occurredAt: e.now,
      authorId: who.id,
      authorName: who.name,
      functionName: null,
      source: null,
      text,
      important: o.important ?? false,
      tags: [],
      attachments: [],
      correctsId: null,
      position: o.position ?? null,
    });
  };
  const perimeter = async (minutesAgo: number, category: PerimeterCategory, label: string, geometry: PerimeterGeometry, note: string) => {
    await write(minutesAgo, coordinator, `Carte : périmètre « ${label} » tracé par ${coordinator.name} (${note}).`, { system: true, important: category === 'evacuation' });
    await tx
      .insertInto('event_perimeters')
      .values({
        organisation_id: organisationId,
        event_id: lez.id,
        category,
        label,
        geometry: JSON.stringify(geometry),
        style: JSON.stringify(defaultPerimeterStyles[category]),
        created_by: coordinator.id,
        created_by_name: coordinator.name,
        updated_by: coordinator.id,
        updated_by_name: coordinator.name,
        created_at: e.now,
        updated_at: e.now,
      })
      .execute();
  };
  await perimeter(
    170,
    'evacuation',
    'Berges du Lez — Port-Marianne',
    {
      type: 'Polygon',
      coordinates: [
        [
          [3.8918, 43.6046],
          [3.8969, 43.6058],
          [3.9012, 43.6021],
          [3.9003, 43.5972],
          [3.8951, 43.5968],
          [3.8921, 43.6003],
          [3.8918, 43.6046],
        ],
      ],
    },
    'zone d’évacuation, zone de 6 sommets',
  );
  await perimeter(
    160,
    'traffic_closure',
    'Avenue de la Pompignane fermée',
    {
      type: 'LineString',
      coordinates: [
        [3.8931, 43.6121],
        [3.8942, 43.6087],
        [3.8949, 43.6052],
      ],
    },
    'fermeture de voirie, ligne de 3 points',
  );
  await write(150, contributor, '20 cm d’eau sur la chaussée au droit du pont de la Pompignane ; barrières posées par la police municipale.', {
    position: { lon: 3.8944, lat: 43.6078, accuracy: 12, source: 'device' },
  });
  await write(140, coordinator, 'Point de regroupement des évacués : parvis de l’hôtel de ville, navettes vers le gymnase Jean-Bouin.', {
    important: true,
    position: { lon: 3.8957, lat: 43.5993, accuracy: null, source: 'map' },
  });
}
