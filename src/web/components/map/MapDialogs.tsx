import { useState, type FormEvent } from 'react';
import { createEntryBodySchema, type Entry } from '../../../shared';
import {
  createPerimeterBodySchema,
  defaultPerimeterStyles,
  lineDashes,
  perimeterCategories,
  perimeterCategoryLabels,
  updatePerimeterBodySchema,
  type Perimeter,
  type PerimeterCategory,
  type PerimeterGeometry,
} from '../../../shared/schemas/map';
import { ApiError, api, errorMessage, validate } from '../../api/client';
import { t } from '../../i18n';
import { Dialog } from '../Dialog';
import { SelectField, TextareaField, TextField } from '../Field';
import { locateDevice } from './locate';

const dashLabels: Record<(typeof lineDashes)[number], string> = { solid: 'map.dash.solid', dashed: 'map.dash.dashed', dotted: 'map.dash.dotted' } as const;

interface PerimeterDialogProps {
  eventId: string;
  /** A new drawing (create)… */
  geometry?: PerimeterGeometry;
  /** …or the perimeter to change (label, category, colour, line). */
  perimeter?: Perimeter;
  onClose: () => void;
  onSaved: (p: Perimeter) => void;
}

/** Names a drawn perimeter (category, label, style), or changes one; each save is an entry of the main courante. */
export function PerimeterDialog({ eventId, geometry, perimeter, onClose, onSaved }: PerimeterDialogProps) {
  const initialCategory: PerimeterCategory = perimeter?.category ?? (geometry?.type === 'LineString' ? 'traffic_closure' : 'evacuation');
  const [category, setCategory] = useState<PerimeterCategory>(initialCategory);
  const [label, setLabel] = useState(perimeter?.label ?? '');
  const [colour, setColour] = useState(perimeter?.style.colour ?? defaultPerimeterStyles[initialCategory].colour);
  const [colourTouched, setColourTouched] = useState(Boolean(perimeter));
  const [lineDash, setLineDash] = useState<(typeof lineDashes)[number]>(perimeter?.style.lineDash ?? defaultPerimeterStyles[initialCategory].lineDash);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  function changeCategory(c: PerimeterCategory) {
    setCategory(c);
    if (!colourTouched) {
      setColour(defaultPerimeterStyles[c].colour);
      setLineDash(defaultPerimeterStyles[c].lineDash);
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const base = perimeter?.style ?? defaultPerimeterStyles[category];
    const style = { colour, lineWidth: base.lineWidth, lineDash, fillOpacity: base.fillOpacity };
    setBusy(true);
    setFormError(null);
    try {
      let saved: Perimeter;
      if (perimeter) {
        const v = validate(updatePerimeterBodySchema, { category, label, style });
        if (v.errors) {
          setErrors(v.errors);
          setFormError(t('error.formInvalid'));
          return;
        }
        saved = await api('updatePerimeter', { params: { id: perimeter.id }, body: v.data });
      } else {
        const v = validate(createPerimeterBodySchema, { category, label, geometry, style });
        if (v.errors) {
          setErrors(v.errors);
          setFormError(v.errors.geometry ?? t('error.formInvalid'));
          return;
        }
        saved = await api('createPerimeter', { params: { id: eventId }, body: v.data });
      }
      onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'validation_failed') setErrors(err.fieldErrors);
      setFormError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const title = perimeter ? t('map.perimeter.editTitle') : geometry?.type === 'LineString' ? t('map.perimeter.newLine') : t('map.perimeter.newZone');
  return (
    <Dialog
      open
      title={title}
      onClose={onClose}
      dismissible={!busy}
      footer={
        <>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            {t('action.cancel')}
          </button>
          <button type="submit" form="perimeter-form" className="button button--primary" disabled={busy}>
            {busy ? t('map.saving') : t('action.save')}
          </button>
        </>
      }
    >
      <form id="perimeter-form" className="form" onSubmit={(e) => void submit(e)} noValidate>
        <p className="muted small">{t('map.perimeter.logged')}</p>
        <SelectField
          label={t('map.perimeter.category')}
          value={category}
          onChange={(e) => changeCategory(e.target.value as PerimeterCategory)}
          options={perimeterCategories.map((c) => ({ value: c, label: perimeterCategoryLabels[c] }))}
          error={errors.category}
        />
        <TextField label={t('map.perimeter.labelField')} value={label} onChange={(e) => setLabel(e.target.value)} error={errors.label} required maxLength={120} autoFocus hint={t('map.perimeter.labelHint')} />
        <div className="form__row">
          <label className="field">
            <span className="field__label">{t('map.perimeter.colour')}</span>
            <input
              type="color"
              className="input input--colour"
              value={colour}
              onChange={(e) => {
                setColour(e.target.value);
                setColourTouched(true);
              }}
            />
          </label>
          <SelectField label={t('map.perimeter.dash')} value={lineDash} onChange={(e) => setLineDash(e.target.value as (typeof lineDashes)[number])} options={lineDashes.map((d) => ({ value: d, label: t(dashLabels[d] as 'map.dash.solid') }))} />
        </div>
        {formError ? (
          <p className="form__error" role="alert">
            {formError}
          </p>
        ) : null}
      </form>
    </Dialog>
  );
}

const fmt = (v: number) => v.toLocaleString('fr-FR', { minimumFractionDigits: 5, maximumFractionDigits: 5 });

interface PlaceEntryDialogProps {
  eventId: string;
  /** The point clicked on the map (WGS 84). */
  at: { lon: number; lat: number };
  onClose: () => void;
  onCreated: (entry: Entry) => void;
}

/** Writes an entry of the main courante placed where the map was clicked (or at the device's location). */
export function PlaceEntryDialog({ eventId, at, onClose, onCreated }: PlaceEntryDialogProps) {
  const [text, setText] = useState('');
  const [important, setImportant] = useState(false);
  const [position, setPosition] = useState<{ lon: number; lat: number; accuracy: number | null; source: 'map' | 'device' }>({ ...at, accuracy: null, source: 'map' });
  const [locating, setLocating] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  function useDevice() {
    setLocating(true);
    setFormError(null);
    locateDevice()
      .then(setPosition, (err: Error) => setFormError(err.message))
      .finally(() => setLocating(false));
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const v = validate(createEntryBodySchema, { text, important, kind: 'entry', position });
    if (v.errors) {
      setErrors(v.errors);
      setFormError(t('error.formInvalid'));
      return;
    }
    setBusy(true);
    setFormError(null);
    try {
      onCreated(await api('createEntry', { params: { id: eventId }, body: v.data }));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'validation_failed') setErrors(err.fieldErrors);
      setFormError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      open
      title={t('map.place.title')}
      onClose={onClose}
      dismissible={!busy}
      footer={
        <>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            {t('action.cancel')}
          </button>
          <button type="submit" form="place-entry-form" className="button button--primary" disabled={busy}>
            {busy ? t('map.saving') : t('map.place.submit')}
          </button>
        </>
      }
    >
      <form id="place-entry-form" className="form" onSubmit={(e) => void submit(e)} noValidate>
        <p className="muted small" data-testid="place-entry-position">
          {position.source === 'device'
            ? t('map.place.atDevice', { lat: fmt(position.lat), lon: fmt(position.lon), accuracy: String(position.accuracy ?? 0) })
            : t('map.place.atClick', { lat: fmt(position.lat), lon: fmt(position.lon) })}
        </p>
        <button type="button" className="button button--small" onClick={useDevice} disabled={locating || busy}>
          {locating ? t('map.position.locating') : t('map.place.useDevice')}
        </button>
        <TextareaField label={t('map.place.text')} value={text} onChange={(e) => setText(e.target.value)} error={errors.text} required rows={4} autoFocus />
        <label className="toggle toggle--important">
          <input type="checkbox" checked={important} onChange={(e) => setImportant(e.target.checked)} />
          <span>{t('map.place.important')}</span>
        </label>
        {formError ? (
          <p className="form__error" role="alert">
            {formError}
          </p>
        ) : null}
      </form>
    </Dialog>
  );
}
