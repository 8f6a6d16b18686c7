// Dialogs of the organisation's map layers: add one (uploaded GeoJSON / zipped shapefile, or a WFS /
// WMS service of the GIS) and change a layer's name and style. The server checks everything and
// stores nothing on error; these dialogs explain its answers in French (projection to choose...).

import { useEffect, useId, useState, type FormEvent } from 'react';
import {
  DEFAULT_LAYER_STYLE,
  DEFAULT_MAP_LAYER_MAX_BYTES,
  createRemoteMapLayerBodySchema,
  mapCrsCodes,
  mapCrsLabels,
  mapIconLabels,
  mapIcons,
  mapLayerKindLabels,
  updateMapLayerBodySchema,
  uploadMapLayerQuerySchema,
  wfsVersions,
  wmsVersions,
  type MapCrs,
  type MapIcon,
  type MapLayer,
} from '../../../shared';
import { ApiError, api, errorMessage, uploadFile, validate } from '../../api/client';
import { Alert, LiveMessage } from '../Alert';
import { Dialog } from '../Dialog';
import { SelectField, TextField } from '../Field';
import { Icon } from '../Icon';
import { t } from '../../i18n';

const numberFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 4 });

/** "12 Ko", "3,4 Mo". */
export function layerSizeLabel(bytes: number): string {
  if (bytes < 1024) return t('entry.size.bytes', { n: bytes });
  if (bytes < 1024 * 1024) return t('entry.size.kb', { n: Math.max(1, Math.round(bytes / 1024)) });
  return t('entry.size.mb', { n: Math.round((bytes / (1024 * 1024)) * 10) / 10 });
}

/** "RGF93 / Lambert-93" from "RGF93 / Lambert-93 — mètres (IGN, SIG des collectivités)". */
export function crsShortLabel(crs: MapCrs): string {
  return mapCrsLabels[crs].split(' — ')[0];
}

const crsOptions = mapCrsCodes.map((c) => ({ value: c, label: mapCrsLabels[c] }));
const isMapCrs = (v: unknown): v is MapCrs => typeof v === 'string' && (mapCrsCodes as readonly string[]).includes(v);
const HEX = /^#[0-9a-fA-F]{6}$/;

interface CrsProblem {
  declared: string | null;
  suggested: MapCrs | null;
  extent: [number, number, number, number] | null;
  reason: string | null;
}

function crsProblemOf(details: unknown): CrsProblem {
  const d = (details && typeof details === 'object' ? details : {}) as Record<string, unknown>;
  const extent = Array.isArray(d.extent) && d.extent.length === 4 && d.extent.every((n) => typeof n === 'number') ? (d.extent as [number, number, number, number]) : null;
  return {
    declared: typeof d.declared === 'string' && d.declared ? d.declared : null,
    suggested: isMapCrs(d.suggested) ? d.suggested : null,
    extent,
    reason: typeof d.reason === 'string' && d.reason ? d.reason : null,
  };
}

/** What the server's `details` add to its message: the reason of a refused file, the feature at fault. */
function detailOf(e: unknown): string | null {
  if (!(e instanceof ApiError) || !e.details || typeof e.details !== 'object') return null;
  const d = e.details as Record<string, unknown>;
  if (typeof d.reason === 'string' && d.reason) return t('mapAdmin.error.reason', { reason: d.reason });
  if (typeof d.where === 'string' && d.where && Array.isArray(d.coordinates)) {
    return t('mapAdmin.error.where', { where: d.where, coordinates: d.coordinates.map((n) => (typeof n === 'number' ? numberFormat.format(n) : String(n))).join(' ; ') });
  }
  return null;
}

/** Colour of a layer: the browser's colour picker and the #rrvvbb code, kept in step. */
function ColourField({ value, onChange, error }: { value: string; onChange: (v: string) => void; error?: string | null }) {
  const id = useId();
  const described = [`${id}-hint`, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div className={`field${error ? ' field--error' : ''}`}>
      <label htmlFor={id} className="field__label">
        {t('mapAdmin.colourHex')}
      </label>
      <p id={`${id}-hint`} className="field__hint">
        {t('mapAdmin.colourHint')}
      </p>
      <div style={{ display: 'flex', gap: 8, alignItems: 'stretch' }}>
        <input
          type="color"
          className="input"
          aria-label={t('mapAdmin.colourPicker')}
          value={HEX.test(value) ? value.toLowerCase() : '#000000'}
          onChange={(e) => onChange(e.target.value)}
          style={{ width: 56, flex: 'none', padding: 4, cursor: 'pointer' }}
          data-testid="layer-colour-picker"
        />
        <input
          id={id}
          className="input mono"
          value={value}
          onChange={(e) => onChange(e.target.value.trim())}
          maxLength={7}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={described}
          style={{ maxWidth: '10rem' }}
        />
      </div>
      {error ? (
        <p id={`${id}-error`} className="field__error">
          <Icon name="alert" size={16} />
          <span>{error}</span>
        </p>
      ) : null}
    </div>
  );
}

function ErrorBox({ message, detail }: { message: string | null; detail: string | null }) {
  return (
    <div aria-live="assertive" aria-atomic="true" className="live-message">
      {message ? (
        <Alert tone="error">
          <p>{message}</p>
          {detail ? <p>{detail}</p> : null}
        </Alert>
      ) : null}
    </div>
  );
}

type Mode = 'file' | 'service';
type RemoteKind = 'wfs' | 'wms';

interface AddLayerDialogProps {
  /** Attach the new layer to this event; otherwise it is shared by every event of the organisation. */
  eventId?: string | null;
  onClose: () => void;
  onAdded: (layer: MapLayer) => void;
}

/** "Ajouter une couche": upload a file, or point at a WFS / WMS service of the GIS. Mounted while open. */
export function AddLayerDialog({ eventId = null, onClose, onAdded }: AddLayerDialogProps) {
  const formId = useId();
  const fileId = useId();
  const retryId = useId();
  const [mode, setMode] = useState<Mode>('file');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [formDetail, setFormDetail] = useState<string | null>(null);
  // File
  const [file, setFile] = useState<File | null>(null);
  const [fileName, setFileName] = useState('');
  const [crs, setCrs] = useState<MapCrs | ''>('');
  const [crsProblem, setCrsProblem] = useState<CrsProblem | null>(null);
  const [retryCrs, setRetryCrs] = useState<MapCrs>('EPSG:2154');
  // Service
  const [kind, setKind] = useState<RemoteKind>('wfs');
  const [serviceName, setServiceName] = useState('');
  const [url, setUrl] = useState('');
  const [layerName, setLayerName] = useState('');
  const [version, setVersion] = useState<string>(wfsVersions[0]);
  const [serviceCrs, setServiceCrs] = useState<MapCrs>('EPSG:4326');
  const [colour, setColour] = useState(DEFAULT_LAYER_STYLE.colour);

  // The projection question gets the focus: it is what the person has to answer.
  useEffect(() => {
    if (crsProblem) document.getElementById(retryId)?.focus();
  }, [crsProblem, retryId]);

  function clearErrors() {
    setErrors({});
    setFormError(null);
    setFormDetail(null);
  }

  async function upload(chosen: MapCrs | '') {
    clearErrors();
    if (!file) {
      setErrors({ file: t('mapAdmin.file.required') });
      document.getElementById(fileId)?.focus();
      return;
    }
    const v = validate(uploadMapLayerQuerySchema, { eventId: eventId ?? undefined, crs: chosen || undefined, name: fileName.trim() || undefined });
    if (v.errors) {
      setErrors(v.errors);
      return;
    }
    setBusy(true);
    try {
      const layer = await uploadFile('uploadMapLayer', file, { query: v.data });
      onAdded(layer);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'map_crs_unknown') {
        const p = crsProblemOf(err.details);
        setCrsProblem(p);
        setRetryCrs(p.suggested ?? (chosen || 'EPSG:2154'));
      } else {
        setCrsProblem(null);
        if (err instanceof ApiError && err.code === 'validation_failed') setErrors(err.fieldErrors);
        setFormError(errorMessage(err));
        setFormDetail(detailOf(err));
      }
    } finally {
      setBusy(false);
    }
  }

  async function addService() {
    clearErrors();
    const v = validate(createRemoteMapLayerBodySchema, {
      kind,
      name: serviceName,
      url,
      layerName,
      version,
      crs: serviceCrs,
      style: { ...DEFAULT_LAYER_STYLE, colour },
      eventId: eventId ?? null,
    });
    if (v.errors) {
      setErrors(v.errors);
      return;
    }
    setBusy(true);
    try {
      onAdded(await api('createRemoteMapLayer', { body: v.data }));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'validation_failed') setErrors(err.fieldErrors);
      setFormError(errorMessage(err));
      setFormDetail(detailOf(err));
    } finally {
      setBusy(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (mode === 'file') void upload(crs);
    else void addService();
  }

  const versions: readonly string[] = kind === 'wfs' ? wfsVersions : wmsVersions;
  const extent = crsProblem?.extent;

  return (
    <Dialog
      open
      title={eventId ? t('mapAdmin.addTitleEvent') : t('mapAdmin.addTitle')}
      onClose={onClose}
      dismissible={!busy}
      footer={
        <>
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            {t('action.cancel')}
          </button>
          <button type="submit" form={formId} className="button button--primary" disabled={busy} data-testid="add-layer-submit">
            {busy ? <span className="spinner spinner--small" aria-hidden="true" /> : null}
            {mode === 'file' ? (busy ? t('mapAdmin.upload.busy') : t('mapAdmin.upload.submit')) : busy ? t('mapAdmin.service.busy') : t('mapAdmin.service.submit')}
          </button>
        </>
      }
    >
      <form id={formId} className="form" onSubmit={submit} noValidate aria-busy={busy}>
        <fieldset className="fieldset" disabled={busy}>
          <legend className="field__label">{t('mapAdmin.mode.legend')}</legend>
          <div className="radio-row">
            {(['file', 'service'] as const).map((m) => (
              <label key={m} className="radio-chip">
                <input
                  type="radio"
                  name="layer-source"
                  value={m}
                  checked={mode === m}
                  onChange={() => {
                    setMode(m);
                    clearErrors();
                  }}
                />
                <span>{m === 'file' ? t('mapAdmin.mode.file') : t('mapAdmin.mode.service')}</span>
              </label>
            ))}
          </div>
        </fieldset>

        <ErrorBox message={formError} detail={formDetail} />

        {mode === 'file' ? (
          <>
            <div className={`field${errors.file ? ' field--error' : ''}`}>
              <label htmlFor={fileId} className="field__label">
                {t('mapAdmin.file.label')}
              </label>
              <p id={`${fileId}-hint`} className="field__hint">
                {t('mapAdmin.file.hint', { max: layerSizeLabel(DEFAULT_MAP_LAYER_MAX_BYTES) })}
              </p>
              <input
                id={fileId}
                className="input"
                type="file"
                accept=".geojson,.json,.zip,application/geo+json,application/json,application/zip"
                disabled={busy}
                aria-invalid={errors.file ? true : undefined}
                aria-describedby={`${fileId}-hint${errors.file ? ` ${fileId}-error` : ''}`}
                onChange={(e) => {
                  setFile(e.target.files?.[0] ?? null);
                  setCrsProblem(null);
                  clearErrors();
                }}
              />
              {errors.file ? (
                <p id={`${fileId}-error`} className="field__error">
                  <Icon name="alert" size={16} />
                  <span>{errors.file}</span>
                </p>
              ) : null}
            </div>
            <TextField
              label={t('mapAdmin.name')}
              hint={t('mapAdmin.name.fileHint')}
              value={fileName}
              onChange={(e) => setFileName(e.target.value)}
              error={errors.name}
              maxLength={120}
              disabled={busy}
              placeholder={file ? file.name.replace(/\.(geo)?json$|\.zip$/i, '') : t('mapAdmin.name.placeholder')}
            />
            <SelectField
              label={t('mapAdmin.crs.label')}
              hint={t('mapAdmin.crs.hint')}
              value={crs}
              onChange={(e) => setCrs(isMapCrs(e.target.value) ? e.target.value : '')}
              error={errors.crs}
              disabled={busy}
              options={[{ value: '', label: t('mapAdmin.crs.auto') }, ...crsOptions]}
            />
            {crsProblem ? (
              <div className="card card--compact" data-testid="crs-problem" style={{ borderColor: 'var(--c-warning)' }}>
                <Alert tone="warning" title={t('mapAdmin.crsUnknown.title')}>
                  <p>
                    {crsProblem.declared
                      ? t('mapAdmin.crsUnknown.declared', { declared: crsProblem.declared })
                      : (crsProblem.reason ?? t('mapAdmin.crsUnknown.notDeclared'))}
                  </p>
                  <p>{crsProblem.suggested ? t('mapAdmin.crsUnknown.suggested', { crs: mapCrsLabels[crsProblem.suggested] }) : t('mapAdmin.crsUnknown.noSuggestion')}</p>
                  {extent ? (
                    <p className="muted">
                      {t('mapAdmin.crsUnknown.extent', {
                        minX: numberFormat.format(extent[0]),
                        maxX: numberFormat.format(extent[2]),
                        minY: numberFormat.format(extent[1]),
                        maxY: numberFormat.format(extent[3]),
                      })}
                    </p>
                  ) : null}
                </Alert>
                <SelectField
                  id={retryId}
                  label={t('mapAdmin.crsUnknown.choose')}
                  value={retryCrs}
                  onChange={(e) => isMapCrs(e.target.value) && setRetryCrs(e.target.value)}
                  disabled={busy}
                  options={crsOptions}
                />
                <button
                  type="button"
                  className="button button--primary"
                  disabled={busy}
                  data-testid="crs-resend"
                  onClick={() => {
                    setCrs(retryCrs);
                    void upload(retryCrs);
                  }}
                >
                  {busy ? <span className="spinner spinner--small" aria-hidden="true" /> : null}
                  {busy ? t('mapAdmin.upload.busy') : t('mapAdmin.crsUnknown.resend')}
                </button>
              </div>
            ) : null}
          </>
        ) : (
          <>
            <fieldset className="fieldset" disabled={busy}>
              <legend className="field__label">{t('mapAdmin.service.kind')}</legend>
              <p className="field__hint" style={{ marginBottom: 8 }}>
                {t('mapAdmin.service.kindHint')}
              </p>
              <div className="radio-row">
                {(['wfs', 'wms'] as const).map((k) => (
                  <label key={k} className="radio-chip">
                    <input
                      type="radio"
                      name="layer-service-kind"
                      value={k}
                      checked={kind === k}
                      onChange={() => {
                        setKind(k);
                        setVersion(k === 'wfs' ? wfsVersions[0] : wmsVersions[0]);
                      }}
                    />
                    <span>{mapLayerKindLabels[k]}</span>
                  </label>
                ))}
              </div>
            </fieldset>
            <TextField label={t('mapAdmin.name')} value={serviceName} onChange={(e) => setServiceName(e.target.value)} error={errors.name} maxLength={120} required disabled={busy} />
            <TextField
              label={t('mapAdmin.service.url')}
              hint={t('mapAdmin.service.urlHint')}
              type="url"
              inputMode="url"
              autoCapitalize="off"
              spellCheck={false}
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              error={errors.url}
              required
              disabled={busy}
            />
            <div className="form-grid">
              <TextField
                label={kind === 'wfs' ? t('mapAdmin.service.layerWfs') : t('mapAdmin.service.layerWms')}
                hint={t('mapAdmin.service.layerHint')}
                autoCapitalize="off"
                spellCheck={false}
                value={layerName}
                onChange={(e) => setLayerName(e.target.value)}
                error={errors.layerName}
                maxLength={200}
                required
                disabled={busy}
              />
              <SelectField
                label={t('mapAdmin.service.version')}
                value={version}
                onChange={(e) => setVersion(e.target.value)}
                error={errors.version}
                disabled={busy}
                options={versions.map((v) => ({ value: v, label: `${kind.toUpperCase()} ${v}` }))}
              />
            </div>
            <SelectField label={t('mapAdmin.service.crs')} value={serviceCrs} onChange={(e) => isMapCrs(e.target.value) && setServiceCrs(e.target.value)} error={errors.crs} disabled={busy} options={crsOptions} />
            {kind === 'wfs' ? <ColourField value={colour} onChange={setColour} error={errors['style.colour'] ? t('mapAdmin.colourInvalid') : null} /> : null}
          </>
        )}
      </form>
    </Dialog>
  );
}

interface LayerStyleDialogProps {
  layer: MapLayer;
  onClose: () => void;
  onSaved: (layer: MapLayer) => void;
}

/** "Style…": rename a layer, change its colour, point symbol and label field. Mounted while open. */
export function LayerStyleDialog({ layer, onClose, onSaved }: LayerStyleDialogProps) {
  const formId = useId();
  const [name, setName] = useState(layer.name);
  const [colour, setColour] = useState(layer.style.colour);
  const [icon, setIcon] = useState<MapIcon>(layer.style.icon);
  const [labelField, setLabelField] = useState(layer.style.labelField ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [formDetail, setFormDetail] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const uploaded = layer.kind === 'geojson' || layer.kind === 'shapefile';
  const wms = layer.kind === 'wms';
  const fields = layer.style.labelField && !layer.attributeNames.includes(layer.style.labelField) ? [...layer.attributeNames, layer.style.labelField] : layer.attributeNames;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setFormError(null);
    setFormDetail(null);
    const style = { colour, icon, labelField: labelField.trim() || null };
    const body: { name?: string; style?: typeof style } = {};
    if (name.trim() !== layer.name) body.name = name;
    if (!wms && (style.colour.toLowerCase() !== layer.style.colour.toLowerCase() || style.icon !== layer.style.icon || style.labelField !== layer.style.labelField)) body.style = style;
    if (Object.keys(body).length === 0) {
      setErrors({});
      onClose();
      return;
    }
    const v = validate(updateMapLayerBodySchema, body);
    if (v.errors) {
      setErrors(v.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      onSaved(await api('updateMapLayer', { params: { id: layer.id }, body: v.data }));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'validation_failed') setErrors(err.fieldErrors);
      if (err instanceof ApiError && err.code === 'map_label_field_unknown') setErrors({ 'style.labelField': err.message });
      setFormError(errorMessage(err));
      setFormDetail(detailOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      open
      title={t('mapAdmin.styleTitle', { name: layer.name })}
      onClose={onClose}
      dismissible={!busy}
      footer={
        <>
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            {t('action.cancel')}
          </button>
          <button type="submit" form={formId} className="button button--primary" disabled={busy} data-testid="layer-style-submit">
            {busy ? t('mapAdmin.saving') : t('mapAdmin.save')}
          </button>
        </>
      }
    >
      <form id={formId} className="form" onSubmit={submit} noValidate aria-busy={busy}>
        <ErrorBox message={formError} detail={formDetail} />
        <TextField label={t('mapAdmin.name')} value={name} onChange={(e) => setName(e.target.value)} error={errors.name} maxLength={120} required disabled={busy} />
        {wms ? (
          <p className="muted">{t('mapAdmin.wmsStyleNote')}</p>
        ) : (
          <>
            <ColourField value={colour} onChange={setColour} error={errors['style.colour'] ? t('mapAdmin.colourInvalid') : null} />
            <SelectField
              label={t('mapAdmin.icon')}
              value={icon}
              onChange={(e) => setIcon(e.target.value as MapIcon)}
              error={errors['style.icon']}
              disabled={busy}
              options={mapIcons.map((i) => ({ value: i, label: mapIconLabels[i] }))}
            />
            {uploaded ? (
              fields.length > 0 ? (
                <SelectField
                  label={t('mapAdmin.labelField')}
                  hint={t('mapAdmin.labelFieldHint')}
                  value={labelField}
                  onChange={(e) => setLabelField(e.target.value)}
                  error={errors['style.labelField']}
                  disabled={busy}
                  options={[{ value: '', label: t('mapAdmin.labelFieldNone') }, ...fields.map((f) => ({ value: f, label: f }))]}
                />
              ) : (
                <p className="muted">{t('mapAdmin.noAttributes')}</p>
              )
            ) : (
              <TextField
                label={t('mapAdmin.labelField')}
                hint={t('mapAdmin.labelFieldRemoteHint')}
                value={labelField}
                onChange={(e) => setLabelField(e.target.value)}
                error={errors['style.labelField']}
                maxLength={100}
                autoCapitalize="off"
                spellCheck={false}
                disabled={busy}
              />
            )}
          </>
        )}
      </form>
    </Dialog>
  );
}
