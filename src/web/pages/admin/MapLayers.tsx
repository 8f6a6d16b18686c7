import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { mapIconLabels, mapLayerKindLabels, topicOf, type MapLayer } from '../../../shared';
import { api, errorMessage } from '../../api/client';
import { useRealtimeTopic } from '../../api/realtime';
import { LiveMessage, RetryAlert } from '../../components/Alert';
import { ConfirmDialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import { AddLayerDialog, LayerStyleDialog, crsShortLabel, layerSizeLabel } from '../../components/map/LayerDialogs';
import { formatDate, formatFull, t } from '../../i18n';
import { useSession } from '../../session';
import { usePageTitle } from '../../usePageTitle';

function featuresLabel(l: MapLayer): string {
  if (l.featureCount === null) return t('mapAdmin.features.remote');
  if (l.featureCount === 0) return t('mapAdmin.features.none');
  if (l.featureCount === 1) return t('mapAdmin.features.one');
  return t('mapAdmin.features.many', { n: l.featureCount });
}

function projectionLabel(l: MapLayer): string {
  if (l.source) {
    if (l.source.crsOrigin === 'default') return t('mapAdmin.crsOrigin.default');
    return t(l.source.crsOrigin === 'declared' ? 'mapAdmin.crsOrigin.declared' : 'mapAdmin.crsOrigin.chosen', { crs: crsShortLabel(l.source.crs) });
  }
  if (l.remote) return t('mapAdmin.crsRemote', { crs: crsShortLabel(l.remote.crs) });
  return '—';
}

function Source({ l }: { l: MapLayer }) {
  if (l.source) {
    return <span className="break">{t('mapAdmin.source.file', { name: l.source.fileName, size: layerSizeLabel(l.source.sizeBytes) })}</span>;
  }
  if (l.remote) {
    return (
      <span className="break">
        <span className="mono">{l.remote.url}</span>
        <br />
        <span className="muted">{t('mapAdmin.source.layer', { layer: l.remote.layerName, version: l.remote.version })}</span>
      </span>
    );
  }
  return <span>—</span>;
}

function StyleCell({ l }: { l: MapLayer }) {
  if (l.kind === 'wms') return <span className="muted">{t('mapAdmin.style.wms')}</span>;
  return (
    <span style={{ display: 'inline-flex', flexWrap: 'wrap', gap: '4px 8px', alignItems: 'center' }}>
      <span className="nowrap" style={{ display: 'inline-flex', gap: 8, alignItems: 'center' }}>
        <span className="legend__swatch" style={{ background: l.style.colour, flex: 'none' }} role="img" aria-label={t('mapAdmin.style.colour', { colour: l.style.colour })} title={l.style.colour} />
        <span>{mapIconLabels[l.style.icon]}</span>
      </span>
      {l.style.labelField ? <span className="muted">{t('mapAdmin.style.labelField', { field: l.style.labelField })}</span> : null}
    </span>
  );
}

interface TableProps {
  layers: MapLayer[];
  /** Event titles by id (attached layers); the id alone when unknown. */
  events?: Map<string, string>;
  onStyle: (l: MapLayer) => void;
  onDelete: (l: MapLayer) => void;
}

function LayerTable({ layers, events, onStyle, onDelete }: TableProps) {
  return (
    // Between phone cards and a wide screen the columns may not fit: the table scrolls, not the page
    // (width 0 and min-width 100%: the table's width does not widen the page's column; relative: the
    // visually hidden header stays inside the scrolled box).
    <div className="table-scroll" style={{ position: 'relative', width: 0, minWidth: '100%' }}>
      <table className="data-table data-table--cards">
        <thead>
          <tr>
            <th scope="col">{t('mapAdmin.col.name')}</th>
            {events ? <th scope="col">{t('mapAdmin.col.event')}</th> : null}
            <th scope="col">{t('mapAdmin.col.content')}</th>
            <th scope="col">{t('mapAdmin.col.source')}</th>
            <th scope="col">{t('mapAdmin.col.style')}</th>
            <th scope="col">{t('mapAdmin.col.author')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('mapAdmin.col.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {layers.map((l) => (
            <tr key={l.id} data-testid="map-layer-row" data-layer-name={l.name} data-layer-kind={l.kind}>
              <th scope="row" className="data-table__primary">
                <span style={{ display: 'block', overflowWrap: 'break-word' }}>{l.name}</span>
                <span className="muted" style={{ display: 'block', fontWeight: 400, fontSize: '0.875rem' }}>
                  {mapLayerKindLabels[l.kind]}
                </span>
              </th>
              {events ? (
                <td data-label={t('mapAdmin.col.event')}>
                  {l.eventId ? (
                    <Link to={`/evenements/${l.eventId}`} style={{ overflowWrap: 'break-word' }}>
                      {events.get(l.eventId) ?? t('mapAdmin.eventUnknown', { id: l.eventId.slice(0, 8) })}
                    </Link>
                  ) : (
                    <span>—</span>
                  )}
                </td>
              ) : null}
              <td data-label={t('mapAdmin.col.content')}>
                <span>
                  <span style={{ display: 'block' }}>{featuresLabel(l)}</span>
                  <span className="muted" style={{ display: 'block' }} data-testid="map-layer-projection">
                    {projectionLabel(l)}
                  </span>
                </span>
              </td>
              <td data-label={t('mapAdmin.col.source')} style={{ minWidth: '11rem' }}>
                <Source l={l} />
              </td>
              <td data-label={t('mapAdmin.col.style')}>
                <StyleCell l={l} />
              </td>
              <td data-label={t('mapAdmin.col.author')}>
                <span>
                  <span style={{ display: 'block' }}>{l.createdByName}</span>
                  <span className="muted" style={{ display: 'block' }} title={formatFull(l.createdAt)}>
                    {t('mapAdmin.createdOn', { date: formatDate(l.createdAt) })}
                  </span>
                </span>
              </td>
              <td className="data-table__actions">
                {l.canManage ? (
                  <span className="button-row" style={{ flexWrap: 'nowrap', gap: 8 }}>
                    <button type="button" className="button button--secondary button--small" aria-label={t('mapAdmin.restyleLabel', { name: l.name })} onClick={() => onStyle(l)}>
                      {t('mapAdmin.restyle')}
                    </button>
                    <button type="button" className="button button--danger-outline button--small" aria-label={t('mapAdmin.deleteLabel', { name: l.name })} onClick={() => onDelete(l)}>
                      {t('mapAdmin.delete')}
                    </button>
                  </span>
                ) : (
                  <span className="muted">{t('mapAdmin.readOnly')}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Administration of the organisation's map layers: the GIS data shown on every event's map. */
export function MapLayersPage() {
  const session = useSession();
  usePageTitle(t('mapAdmin.title'));
  const [layers, setLayers] = useState<MapLayer[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [events, setEvents] = useState<Map<string, string>>(new Map());
  const [done, setDone] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [styling, setStyling] = useState<MapLayer | null>(null);
  const [deleting, setDeleting] = useState<MapLayer | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const r = await api('listMapLayers');
      setLayers(r.layers);
      setLoadError(null);
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  useRealtimeTopic(topicOf('organisation', session.organisation.id), {
    onEvent: (event) => {
      if (event.kind === 'mapLayers.changed') void load();
    },
    onResync: () => void load(),
  });

  const sorted = useMemo(() => [...(layers ?? [])].sort((a, b) => a.name.localeCompare(b.name, 'fr', { sensitivity: 'base' })), [layers]);
  const shared = useMemo(() => sorted.filter((l) => l.eventId === null), [sorted]);
  const attached = useMemo(() => sorted.filter((l) => l.eventId !== null), [sorted]);
  const hasAttached = attached.length > 0;

  // Titles of the events the attached layers belong to (the link shows the title when known).
  useEffect(() => {
    if (!hasAttached) return;
    let cancelled = false;
    api('listEvents', { query: { limit: 500 } })
      .then((r) => {
        if (!cancelled) setEvents(new Map(r.events.map((e) => [e.id, e.title])));
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [hasAttached]);

  const upsert = (l: MapLayer) =>
    setLayers((prev) => {
      const list = prev ?? [];
      return list.some((x) => x.id === l.id) ? list.map((x) => (x.id === l.id ? l : x)) : [...list, l];
    });

  const openDelete = (l: MapLayer) => {
    setDeleteError(null);
    setDeleting(l);
  };

  return (
    <div className="page">
      <div className="page__header page__header--actions">
        <div>
          <p className="page__eyebrow">{t('nav.section.admin')}</p>
          <h1 className="page__title">{t('mapAdmin.title')}</h1>
          <p className="page__intro">{t('mapAdmin.intro')}</p>
        </div>
        <button
          type="button"
          className="button button--primary"
          onClick={() => {
            setDone(null);
            setAdding(true);
          }}
        >
          <Icon name="plus" size={18} />
          {t('mapAdmin.add')}
        </button>
      </div>

      <RetryAlert message={loadError} onRetry={() => void load()} />
      <LiveMessage tone="success" message={done} />

      {layers === null && !loadError ? <p className="muted">{t('app.loading')}</p> : null}
      {layers ? (
        <>
          <section className="section" aria-labelledby="map-layers-shared-title">
            <h2 id="map-layers-shared-title" className="section__title">
              {t('mapAdmin.shared')}
            </h2>
            {shared.length === 0 ? (
              <p className="empty">{t('mapAdmin.sharedEmpty')}</p>
            ) : (
              <LayerTable layers={shared} onStyle={setStyling} onDelete={openDelete} />
            )}
          </section>
          {hasAttached ? (
            <section className="section" aria-labelledby="map-layers-attached-title">
              <h2 id="map-layers-attached-title" className="section__title">
                {t('mapAdmin.attached')}
              </h2>
              <p className="muted">{t('mapAdmin.attachedIntro')}</p>
              <LayerTable layers={attached} events={events} onStyle={setStyling} onDelete={openDelete} />
            </section>
          ) : null}
        </>
      ) : null}

      {adding ? (
        <AddLayerDialog
          onClose={() => setAdding(false)}
          onAdded={(l) => {
            setAdding(false);
            upsert(l);
            setDone(t('mapAdmin.added', { name: l.name }));
          }}
        />
      ) : null}

      {styling ? (
        <LayerStyleDialog
          layer={styling}
          onClose={() => setStyling(null)}
          onSaved={(l) => {
            setStyling(null);
            upsert(l);
            setDone(t('mapAdmin.saved', { name: l.name }));
          }}
        />
      ) : null}

      <ConfirmDialog
        open={deleting !== null}
        title={t('mapAdmin.confirmTitle', { name: deleting?.name ?? '' })}
        confirmLabel={t('mapAdmin.delete')}
        danger
        busy={busy}
        error={deleteError}
        onCancel={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          setBusy(true);
          try {
            await api('deleteMapLayer', { params: { id: deleting.id } });
            setLayers((prev) => (prev ?? []).filter((l) => l.id !== deleting.id));
            setDone(t('mapAdmin.deleted', { name: deleting.name }));
            setDeleting(null);
          } catch (err) {
            setDeleteError(errorMessage(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <p>
          {deleting?.eventId ? t('mapAdmin.confirmAttached') : t('mapAdmin.confirmShared')} {deleting?.source ? t('mapAdmin.confirmFile') : t('mapAdmin.confirmService')}
        </p>
      </ConfirmDialog>
    </div>
  );
}
