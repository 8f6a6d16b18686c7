// shpjs ships no type declarations; these are the two readers Vigie calls (src/server/modules/map).
declare module 'shpjs' {
  type Bytes = ArrayBuffer | ArrayBufferView | DataView;
  /** Shapes of a .shp as GeoJSON geometries (null for null shapes), reprojected only when a .prj is given. */
  export function parseShp(shp: Bytes, prj?: string | Bytes): Array<{ type: string; coordinates: unknown } | null>;
  /** Records of a .dbf; `encoding` is the .cpg's content (a TextDecoder label, or a code page number). */
  export function parseDbf(dbf: Bytes, encoding?: string | Bytes): Array<Record<string, unknown>>;
}
