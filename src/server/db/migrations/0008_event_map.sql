-- The event map: GIS layers of an organisation and the perimeters drawn for an event.
-- Forward only.

-- A layer is shared by every event of its organisation (event_id NULL) or attached to one event.
-- Uploaded kinds (GeoJSON, zipped shapefile) keep their features, reprojected to WGS 84
-- (EPSG:4326), in map_layer_data; remote kinds (WFS, WMS) keep where to fetch them.
CREATE TABLE map_layers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  event_id uuid REFERENCES events (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  kind text NOT NULL CHECK (kind IN ('geojson', 'shapefile', 'wfs', 'wms')),
  -- Uploaded kinds: the file as received and the projection it was read in.
  file_name text,
  file_sha256 text,
  file_size integer,
  source_crs text CHECK (source_crs IN ('EPSG:4326', 'EPSG:3857', 'EPSG:2154')),
  crs_origin text CHECK (crs_origin IN ('declared', 'chosen', 'default')),
  feature_count integer CHECK (feature_count >= 0),
  geometry_types text[] NOT NULL DEFAULT '{}',
  -- [west, south, east, north] in degrees (WGS 84); NULL when no feature has a geometry.
  bbox double precision[] CHECK (bbox IS NULL OR cardinality(bbox) = 4),
  attribute_names text[] NOT NULL DEFAULT '{}',
  -- Remote kinds: service address, layer (WFS typeName, WMS LAYERS), version, projection asked.
  url text,
  layer_name text,
  service_version text,
  remote_crs text CHECK (remote_crs IN ('EPSG:4326', 'EPSG:3857', 'EPSG:2154')),
  -- { colour, icon, labelField } (src/shared/schemas/map.ts layerStyleSchema).
  style jsonb NOT NULL,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind IN ('geojson', 'shapefile')) = (file_sha256 IS NOT NULL AND source_crs IS NOT NULL AND crs_origin IS NOT NULL AND feature_count IS NOT NULL)),
  CHECK ((kind IN ('wfs', 'wms')) = (url IS NOT NULL AND layer_name IS NOT NULL AND service_version IS NOT NULL AND remote_crs IS NOT NULL))
);
CREATE INDEX map_layers_organisation_idx ON map_layers (organisation_id) WHERE event_id IS NULL;
CREATE INDEX map_layers_event_idx ON map_layers (event_id) WHERE event_id IS NOT NULL;

-- The features of an uploaded layer: one GeoJSON FeatureCollection (WGS 84), kept as the text
-- the API sends (no re-serialisation per request), outside the layer's row like attachment bytes.
CREATE TABLE map_layer_data (
  layer_id uuid PRIMARY KEY REFERENCES map_layers (id) ON DELETE CASCADE,
  geojson text NOT NULL,
  -- The same text gzip-compressed once at upload: sent as is to browsers that accept gzip
  -- (a 7 MB layer travels as about 1.5 MB, with no compression per request).
  geojson_gzip bytea,
  -- SHA-256 of `geojson`: the ETag of the features.
  sha256 text NOT NULL
);

-- Perimeters drawn for an event (evacuation zone, traffic closure...): a Polygon or a LineString
-- in WGS 84. Each change writes an entry in the event's main courante and an audit record; the
-- row holds the current state (the main courante and the audit log hold the history).
CREATE TABLE event_perimeters (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  event_id uuid NOT NULL REFERENCES events (id),
  category text NOT NULL CHECK (category IN ('evacuation', 'traffic_closure', 'confinement', 'other')),
  label text NOT NULL CHECK (length(label) BETWEEN 1 AND 120),
  geometry jsonb NOT NULL CHECK (geometry->>'type' IN ('Polygon', 'LineString')),
  -- { colour, lineWidth, lineDash, fillOpacity } (perimeterStyleSchema).
  style jsonb NOT NULL,
  version integer NOT NULL DEFAULT 1,
  created_by uuid REFERENCES users (id),
  created_by_name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users (id),
  updated_by_name text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_perimeters_event_idx ON event_perimeters (event_id);

-- Where an entry's fact happened, when its author placed it (the phone's location or a click on
-- the map): { lon, lat, accuracy, source } in WGS 84. Part of the entry's hash (canonical form v2,
-- src/server/modules/logbook/chain.ts); entries without a position keep form v1 unchanged.
-- Adding a column rewrites no row: the append-only trigger is not involved.
ALTER TABLE log_entries ADD COLUMN position jsonb
  CHECK (position IS NULL OR (jsonb_typeof(position->'lon') = 'number' AND jsonb_typeof(position->'lat') = 'number'));
CREATE INDEX log_entries_located_idx ON log_entries (event_id, seq) WHERE position IS NOT NULL;
