import { z } from 'zod';
import { uuidSchema } from './common';

// The event map: GIS layers of an organisation (uploaded GeoJSON or zipped shapefile, remote WFS
// or WMS) and the perimeters drawn for an event. Everything Vigie stores or sends is in WGS 84
// (EPSG:4326, longitude then latitude, as GeoJSON says); uploaded files are reprojected on upload.

// ---- projections ----

/** The projections Vigie reads (proj4 definitions in src/server/modules/map/projections.ts). */
export const mapCrsCodes = ['EPSG:4326', 'EPSG:3857', 'EPSG:2154'] as const;
export type MapCrs = (typeof mapCrsCodes)[number];
export const mapCrsLabels: Record<MapCrs, string> = {
  'EPSG:4326': 'WGS 84 — longitude, latitude en degrés (GPS, GeoJSON)',
  'EPSG:3857': 'Web Mercator — mètres (fonds de carte en ligne)',
  'EPSG:2154': 'RGF93 / Lambert-93 — mètres (IGN, SIG des collectivités)',
};
/**
 * Lambert-93 (EPSG:2154) for proj4, as the IGN defines it: RGF93 on GRS 1980, conformal conic secant
 * at 44° N and 49° N, origin 3° E 46°30′ N, false easting 700 km, false northing 6 600 km; RGF93 taken
 * as WGS 84 (about a metre apart). One definition for the server (reprojection) and the map (WMS).
 */
export const LAMBERT93_PROJ4 = '+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs +type=crs';
const crsSchema = z.enum(mapCrsCodes, { message: 'Projection inconnue : EPSG:4326, EPSG:3857 ou EPSG:2154.' });

/** How the projection of an uploaded file was known: read in the file, chosen by the uploader, or GeoJSON's default (WGS 84). */
export const crsOrigins = ['declared', 'chosen', 'default'] as const;
export type CrsOrigin = (typeof crsOrigins)[number];

// ---- styles ----

const colourSchema = z
  .string({ message: 'Couleur requise.' })
  .regex(/^#[0-9a-fA-F]{6}$/, { message: 'Couleur au format #RRVVBB (par exemple #d4121e).' })
  .transform((c) => c.toLowerCase());

/** Point symbols the map draws (the UI maps each to its own drawing). */
export const mapIcons = ['circle', 'square', 'triangle', 'star', 'cross', 'school', 'health', 'shelter', 'water', 'fire', 'warning'] as const;
export type MapIcon = (typeof mapIcons)[number];
export const mapIconLabels: Record<MapIcon, string> = {
  circle: 'Rond',
  square: 'Carré',
  triangle: 'Triangle',
  star: 'Étoile',
  cross: 'Croix',
  school: 'École',
  health: 'Santé (EHPAD, hôpital)',
  shelter: 'Hébergement, abri',
  water: 'Point d’eau',
  fire: 'Incendie',
  warning: 'Danger',
};

/** A layer's style: colour of its features, symbol of its points, attribute shown as label. */
export const layerStyleSchema = z.strictObject({
  colour: colourSchema,
  icon: z.enum(mapIcons, { message: 'Symbole inconnu.' }).default('circle'),
  labelField: z.string().trim().min(1).max(100, { message: 'Nom de champ trop long.' }).nullable().default(null),
});
export type LayerStyle = z.output<typeof layerStyleSchema>;
export const DEFAULT_LAYER_STYLE: LayerStyle = { colour: '#1f5fa8', icon: 'circle', labelField: null };

// ---- layers ----

export const mapLayerKinds = ['geojson', 'shapefile', 'wfs', 'wms'] as const;
export type MapLayerKind = (typeof mapLayerKinds)[number];
export const mapLayerKindLabels: Record<MapLayerKind, string> = {
  geojson: 'Fichier GeoJSON',
  shapefile: 'Shapefile (zip)',
  wfs: 'Service WFS',
  wms: 'Service WMS',
};
export const remoteLayerKinds = ['wfs', 'wms'] as const;
export const wfsVersions = ['2.0.0', '1.1.0', '1.0.0'] as const;
export const wmsVersions = ['1.3.0', '1.1.1'] as const;

/** Largest uploaded layer file by default (bytes), GeoJSON or zipped shapefile; `MAP_LAYER_MAX_BYTES` sets it. */
export const DEFAULT_MAP_LAYER_MAX_BYTES = 20 * 1024 * 1024;
/** Most features in one uploaded layer; beyond, serve it from the GIS as WFS or WMS. */
export const MAP_LAYER_MAX_FEATURES = 200_000;

/** [west, south, east, north] in degrees. */
const bboxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);

export const mapLayerSchema = z.object({
  id: uuidSchema,
  organisationId: uuidSchema,
  /** Null: shared by every event of the organisation; otherwise attached to this event. */
  eventId: uuidSchema.nullable(),
  name: z.string(),
  kind: z.enum(mapLayerKinds),
  style: z.object({ colour: z.string(), icon: z.enum(mapIcons), labelField: z.string().nullable() }),
  /** Uploaded kinds: the file as received, and the projection it was read in. */
  source: z
    .object({ fileName: z.string(), sha256: z.string(), sizeBytes: z.number().int(), crs: z.enum(mapCrsCodes), crsOrigin: z.enum(crsOrigins) })
    .nullable(),
  /** Uploaded kinds: what the stored features hold (after reprojection to WGS 84). */
  featureCount: z.number().int().nullable(),
  geometryTypes: z.array(z.string()),
  bbox: bboxSchema.nullable(),
  attributeNames: z.array(z.string()),
  /** Remote kinds: where the map fetches the layer (the UI builds GetFeature / GetMap requests). */
  remote: z.object({ url: z.string(), layerName: z.string(), version: z.string(), crs: z.enum(mapCrsCodes) }).nullable(),
  createdBy: uuidSchema,
  createdByName: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Whether the person asking may rename, restyle or delete it. */
  canManage: z.boolean(),
});
export type MapLayer = z.infer<typeof mapLayerSchema>;
export const mapLayersListSchema = z.object({ layers: z.array(mapLayerSchema) });

export const mapLayersQuerySchema = z.strictObject({
  /** Also the layers attached to this event (which the person must be able to see). */
  eventId: uuidSchema.optional(),
});

const layerName = z
  .string({ message: 'Nom requis.' })
  .trim()
  .min(1, { message: 'Le nom ne peut pas être vide.' })
  .max(120, { message: 'Nom trop long (120 caractères au plus).' });

/** The upload's settings travel in the query string; the body is the file alone (multipart). */
export const uploadMapLayerQuerySchema = z.strictObject({
  /** Attach the layer to this event instead of sharing it with every event of the organisation. */
  eventId: uuidSchema.optional(),
  /** The file's projection, when the file does not say it (or says it wrongly). */
  crs: crsSchema.optional(),
  /** Defaults to the file's name without its extension. */
  name: layerName.optional(),
});

/** http or https, no user name or password inside (every viewer of the map would read them). */
export const serviceUrlSchema = z
  .string({ message: 'Adresse du service requise.' })
  .trim()
  .max(2000, { message: 'Adresse trop longue (2 000 caractères au plus).' })
  .refine(
    (v) => {
      try {
        const u = new URL(v);
        return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0 && !u.username && !u.password;
      } catch {
        return false;
      }
    },
    { message: 'Adresse invalide : une URL http:// ou https:// sans identifiant ni mot de passe.' },
  );

export const createRemoteMapLayerBodySchema = z
  .strictObject({
    kind: z.enum(remoteLayerKinds, { message: 'Type de service : wfs ou wms.' }),
    name: layerName,
    url: serviceUrlSchema,
    /** WFS: the feature type (`typeName`); WMS: the layer(s) (`LAYERS`). */
    layerName: z.string({ message: 'Nom de couche du service requis.' }).trim().min(1, { message: 'Nom de couche du service requis.' }).max(200),
    version: z.enum([...wfsVersions, ...wmsVersions], { message: 'Version inconnue (WFS : 2.0.0, 1.1.0, 1.0.0 ; WMS : 1.3.0, 1.1.1).' }),
    /** The projection asked of the service. */
    crs: crsSchema.default('EPSG:4326'),
    style: layerStyleSchema.default(DEFAULT_LAYER_STYLE),
    eventId: uuidSchema.nullable().default(null),
  })
  .superRefine((v, ctx) => {
    const ok = v.kind === 'wfs' ? (wfsVersions as readonly string[]).includes(v.version) : (wmsVersions as readonly string[]).includes(v.version);
    if (!ok) ctx.addIssue({ code: 'custom', path: ['version'], message: v.kind === 'wfs' ? 'Version WFS : 2.0.0, 1.1.0 ou 1.0.0.' : 'Version WMS : 1.3.0 ou 1.1.1.' });
  });
export type CreateRemoteMapLayerBody = z.output<typeof createRemoteMapLayerBodySchema>;

export const updateMapLayerBodySchema = z
  .strictObject({ name: layerName.optional(), style: layerStyleSchema.optional() })
  .refine((v) => Object.keys(v).length > 0, { message: 'Aucune modification demandée.' });
export type UpdateMapLayerBody = z.output<typeof updateMapLayerBodySchema>;

// ---- perimeters drawn for an event ----

export const perimeterCategories = ['evacuation', 'traffic_closure', 'confinement', 'other'] as const;
export type PerimeterCategory = (typeof perimeterCategories)[number];
export const perimeterCategoryLabels: Record<PerimeterCategory, string> = {
  evacuation: 'Zone d’évacuation',
  traffic_closure: 'Fermeture de voirie',
  confinement: 'Zone de confinement',
  other: 'Périmètre',
};

export const lineDashes = ['solid', 'dashed', 'dotted'] as const;
export const perimeterStyleSchema = z.strictObject({
  colour: colourSchema,
  /** Line width in screen pixels. */
  lineWidth: z.number().int().min(1).max(12).default(3),
  lineDash: z.enum(lineDashes).default('solid'),
  /** Opacity of a zone's fill, 0 (none) to 1; lines ignore it. */
  fillOpacity: z.number().min(0).max(1).default(0.2),
});
export type PerimeterStyle = z.output<typeof perimeterStyleSchema>;
export const defaultPerimeterStyles: Record<PerimeterCategory, PerimeterStyle> = {
  evacuation: { colour: '#d4121e', lineWidth: 3, lineDash: 'solid', fillOpacity: 0.2 },
  traffic_closure: { colour: '#ff8c00', lineWidth: 5, lineDash: 'dashed', fillOpacity: 0.1 },
  confinement: { colour: '#7b2d8e', lineWidth: 3, lineDash: 'solid', fillOpacity: 0.2 },
  other: { colour: '#1f5fa8', lineWidth: 3, lineDash: 'solid', fillOpacity: 0.15 },
};

/** Most vertices of one perimeter (a street-level evacuation zone needs a few hundred). */
export const PERIMETER_MAX_POINTS = 5000;

const lonLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)], { message: 'Un point est [longitude, latitude] en degrés (WGS 84).' });
const closedRing = z
  .array(lonLat)
  .min(4, { message: 'Un contour a au moins 4 points (le dernier répète le premier).' })
  .refine((r) => r.length < 4 || (r[0][0] === r[r.length - 1][0] && r[0][1] === r[r.length - 1][1]), { message: 'Un contour se referme : son dernier point répète le premier.' });

/** A zone (Polygon) or a line (LineString, a closed road for instance), in WGS 84. */
export const perimeterGeometrySchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('Polygon'), coordinates: z.array(closedRing).min(1).max(20) }),
    z.strictObject({ type: z.literal('LineString'), coordinates: z.array(lonLat).min(2, { message: 'Une ligne a au moins 2 points.' }) }),
  ])
  .refine((g) => (g.type === 'Polygon' ? g.coordinates.reduce((n, r) => n + r.length, 0) : g.coordinates.length) <= PERIMETER_MAX_POINTS, {
    message: `Tracé trop détaillé (${PERIMETER_MAX_POINTS} points au plus).`,
  });
export type PerimeterGeometry = z.infer<typeof perimeterGeometrySchema>;

const perimeterLabel = z
  .string({ message: 'Libellé requis.' })
  .trim()
  .min(1, { message: 'Le libellé ne peut pas être vide.' })
  .max(120, { message: 'Libellé trop long (120 caractères au plus).' });

export const perimeterSchema = z.object({
  id: uuidSchema,
  eventId: uuidSchema,
  category: z.enum(perimeterCategories),
  label: z.string(),
  geometry: perimeterGeometrySchema,
  style: z.object({ colour: z.string(), lineWidth: z.number(), lineDash: z.enum(lineDashes), fillOpacity: z.number() }),
  /** Each change increments it (realtime messages of one perimeter can be ordered by it). */
  version: z.number().int(),
  createdByName: z.string(),
  createdAt: z.string(),
  updatedByName: z.string(),
  updatedAt: z.string(),
});
export type Perimeter = z.infer<typeof perimeterSchema>;
export const perimetersListSchema = z.object({ perimeters: z.array(perimeterSchema) });

export const createPerimeterBodySchema = z.strictObject({
  category: z.enum(perimeterCategories, { message: 'Catégorie inconnue.' }).default('other'),
  label: perimeterLabel,
  geometry: perimeterGeometrySchema,
  /** Defaults to the category's style. */
  style: perimeterStyleSchema.optional(),
});
export type CreatePerimeterBody = z.output<typeof createPerimeterBodySchema>;

export const updatePerimeterBodySchema = z
  .strictObject({
    category: z.enum(perimeterCategories, { message: 'Catégorie inconnue.' }).optional(),
    label: perimeterLabel.optional(),
    geometry: perimeterGeometrySchema.optional(),
    style: perimeterStyleSchema.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'Aucune modification demandée.' });
export type UpdatePerimeterBody = z.output<typeof updatePerimeterBodySchema>;

// ---- remote layers relayed by the server ----

/** Most features the server asks of a WFS service in one request (the map asks per view extent). */
export const MAP_REMOTE_MAX_FEATURES = 20_000;

const numberList = (n: number, what: string) =>
  z
    .string({ message: `${what} requis.` })
    .transform((v, ctx) => {
      const parts = v.split(',').map((x) => Number(x));
      if (parts.length !== n || parts.some((x) => !Number.isFinite(x))) {
        ctx.addIssue({ code: 'custom', message: `${what} : ${n} nombres séparés par des virgules.` });
        return z.NEVER;
      }
      return parts;
    });

/** The part of a WFS layer the map shows: [west, south, east, north] in degrees (WGS 84). */
export const remoteFeaturesQuerySchema = z.strictObject({
  bbox: numberList(4, 'Emprise (bbox)').refine(([w, s, e, n]) => w >= -180 && e <= 180 && s >= -90 && n <= 90 && w < e && s < n, {
    message: 'Emprise (bbox) : ouest, sud, est, nord en degrés, ouest < est et sud < nord.',
  }),
});

/** Deepest zoom of a layer's vector tiles (the map draws deeper zooms from these). */
export const LAYER_TILE_MAX_ZOOM = 14;
/**
 * Beyond this many features, the map draws an uploaded layer from its vector tiles (only the
 * visible part, simplified for the zoom) instead of loading all its features.
 */
export const TILED_LAYER_FEATURES = 2000;

const tileCoordinate = (what: string) => z.coerce.number({ message: `${what} : un entier.` }).int({ message: `${what} : un entier.` }).min(0, { message: `${what} : positif.` });

/** One vector tile of an uploaded layer (XYZ scheme, Web Mercator, as OpenLayers asks for it). */
export const layerTileParamsSchema = z
  .strictObject({
    id: uuidSchema,
    z: tileCoordinate('Niveau de zoom (z)').max(LAYER_TILE_MAX_ZOOM, { message: `Niveau de zoom (z) : ${LAYER_TILE_MAX_ZOOM} au plus.` }),
    x: tileCoordinate('Colonne de tuile (x)'),
    y: tileCoordinate('Ligne de tuile (y)'),
  })
  .superRefine(({ z: zoom, x, y }, ctx) => {
    for (const [key, value] of [['x', x], ['y', y]] as const) {
      if (value >= 2 ** zoom) ctx.addIssue({ code: 'custom', path: [key], message: `Tuile hors du monde : ${key} doit être inférieur à 2^z (${2 ** zoom} au niveau ${zoom}).` });
    }
  });

/** One image of a WMS layer, as the map asks for it (bbox in the projection `crs`). */
export const wmsImageQuerySchema = z.strictObject({
  bbox: numberList(4, 'Emprise (bbox)').refine(([a, b, c, d]) => a < c && b < d, { message: 'Emprise (bbox) : minx < maxx et miny < maxy.' }),
  width: z.coerce.number({ message: 'Largeur en pixels.' }).int().min(1).max(4096, { message: 'Largeur : 4 096 pixels au plus.' }),
  height: z.coerce.number({ message: 'Hauteur en pixels.' }).int().min(1).max(4096, { message: 'Hauteur : 4 096 pixels au plus.' }),
  crs: crsSchema,
});

/** What an event's map needs besides its layers: the base outlines to draw and the optional background. */
export const eventMapSettingsSchema = z.object({
  /** Department whose commune outlines are the offline base (the event's organisation's). */
  departmentCode: z.string().nullable(),
  /** Optional XYZ tile background set by the operator (`MAP_BACKGROUND_URL`). */
  background: z.object({ url: z.string(), attribution: z.string().nullable() }).nullable(),
});
export type EventMapSettings = z.infer<typeof eventMapSettingsSchema>;
