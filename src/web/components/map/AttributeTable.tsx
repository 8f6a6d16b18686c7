import { useEffect, useMemo, useState } from 'react';
import type RenderFeature from 'ol/render/Feature';
import type VectorSource from 'ol/source/Vector';
import type { MapLayer } from '../../../shared/schemas/map';
import { t } from '../../i18n';
import { Icon } from '../Icon';

const MAX_ROWS = 300;

interface Props {
  layer: MapLayer;
  source: VectorSource<RenderFeature>;
  onClose: () => void;
  /** A row was chosen: the map zooms to it and shows its card. */
  onPick: (feature: RenderFeature) => void;
}

/**
 * Attribute table of a layer (uploaded or WFS): one row per feature, a column per attribute,
 * filtered by a text typed in any column; the first 300 matching rows are shown.
 */
export function AttributeTable({ layer, source, onClose, onPick }: Props) {
  const [filter, setFilter] = useState('');
  const [revision, setRevision] = useState(0);
  useEffect(() => {
    // A WFS layer fetches more features as the view moves.
    const key = source.on('change', () => setRevision((r) => r + 1));
    return () => source.un('change', key.listener);
  }, [source]);

  const features = useMemo(() => source.getFeatures(), [source, revision]);
  const columns = useMemo(() => {
    if (layer.attributeNames.length) return layer.attributeNames.slice(0, 30);
    const names = new Set<string>();
    for (const f of features.slice(0, 50)) for (const k of Object.keys(f.getProperties())) if (k !== 'geometry') names.add(k);
    return [...names].slice(0, 30);
  }, [layer.attributeNames, features]);
  const needle = filter.trim().toLocaleLowerCase('fr');
  const matching = useMemo(
    () => (needle ? features.filter((f) => columns.some((c) => String(f.get(c) ?? '').toLocaleLowerCase('fr').includes(needle))) : features),
    [features, columns, needle],
  );
  const shown = matching.slice(0, MAX_ROWS);

  return (
    <section className="attribute-table" aria-labelledby="attribute-table-title" data-testid="attribute-table">
      <div className="attribute-table__header">
        <h3 id="attribute-table-title" className="attribute-table__title">
          {t('map.table.title', { name: layer.name })}
        </h3>
        <input
          type="search"
          className="input attribute-table__filter"
          placeholder={t('map.table.filter')}
          aria-label={t('map.table.filter')}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        <span className="muted small" role="status">
          {matching.length > MAX_ROWS
            ? t('map.table.countLimited', { shown: String(MAX_ROWS), count: matching.length.toLocaleString('fr-FR') })
            : t(matching.length === 1 ? 'map.layer.count.one' : 'map.layer.count.many', { count: matching.length.toLocaleString('fr-FR') })}
        </span>
        <button type="button" className="icon-button" aria-label={t('action.close')} onClick={onClose}>
          <Icon name="close" size={18} />
        </button>
      </div>
      <div className="attribute-table__scroll">
        <table className="table">
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c} scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((f, i) => (
              <tr key={String(f.getId() ?? i)} tabIndex={0} onClick={() => onPick(f)} onKeyDown={(e) => e.key === 'Enter' && onPick(f)} className="attribute-table__row">
                {columns.map((c) => {
                  const v = f.get(c) as unknown;
                  return <td key={c}>{v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v)}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
