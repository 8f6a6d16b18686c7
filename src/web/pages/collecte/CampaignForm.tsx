import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import {
  alertLevelLabels,
  alertMetricLabels,
  alertScopeLabels,
  campaignPeriodLabels,
  campaignStatusLabels,
  TOTAL_INDICATOR,
  type AlertRule,
  type AlertSettings,
  type CampaignDetail,
  type CampaignPeriod,
  type Department,
} from '../../../shared';
import { ApiError, api, errorMessage } from '../../api/client';
import { Alert, LiveMessage } from '../../components/Alert';
import { ConfirmDialog } from '../../components/Dialog';
import { SelectField, TextareaField, TextField } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { t } from '../../i18n';
import { useSession } from '../../session';
import { usePageTitle } from '../../usePageTitle';
import { parisToday } from './dates';

interface IndicatorDraft {
  key: string;
  label: string;
  help: string;
  max: string;
  /** The key follows the label until someone types it. */
  keyTouched: boolean;
}

/** A key from a French label: « Décès en EHPAD » → deces_en_ehpad. */
export function keyFromLabel(label: string): string {
  const k = label
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);
  return /^[a-z]/.test(k) ? k : k ? `i_${k}`.slice(0, 40) : '';
}

const emptyIndicator = (): IndicatorDraft => ({ key: '', label: '', help: '', max: '10000', keyTouched: false });
const defaultRule = (): AlertRule => ({ scope: 'commune', level: 'orange', indicator: TOTAL_INDICATOR, metric: 'count', window: 7, threshold: 5 });

/** The alert rules editor: one row per rule, and the level the statistical detection gives. */
function RulesEditor({ value, onChange, indicators, period }: { value: AlertSettings; onChange: (v: AlertSettings) => void; indicators: Array<{ key: string; label: string }>; period: CampaignPeriod }) {
  const setRule = (i: number, patch: Partial<AlertRule>) => onChange({ ...value, rules: value.rules.map((r, n) => (n === i ? { ...r, ...patch } : r)) });
  const indicatorOptions = [{ value: TOTAL_INDICATOR, label: t('collecte.dash.totalAll') }, ...indicators.filter((i) => i.key).map((i) => ({ value: i.key, label: i.label || i.key }))];
  return (
    <fieldset className="fieldset rules" data-testid="rules-editor">
      <legend>{t('collecte.rules.title')}</legend>
      <p className="muted small">{t('collecte.rules.intro', { unit: period === 'weekly' ? t('collecte.unit.weeks') : t('collecte.unit.days') })}</p>
      {value.rules.length === 0 ? <p className="muted">{t('collecte.rules.none')}</p> : null}
      <ol className="rules__list">
        {value.rules.map((r, i) => (
          <li key={i} className="rules__row">
            <SelectField label={t('collecte.rules.level')} value={r.level} onChange={(e) => setRule(i, { level: e.target.value as AlertRule['level'] })} options={(['jaune', 'orange', 'rouge'] as const).map((l) => ({ value: l, label: alertLevelLabels[l] }))} />
            <SelectField label={t('collecte.rules.scope')} value={r.scope} onChange={(e) => setRule(i, { scope: e.target.value as AlertRule['scope'] })} options={(['commune', 'department'] as const).map((s) => ({ value: s, label: alertScopeLabels[s] }))} />
            <SelectField label={t('collecte.rules.indicator')} value={r.indicator} onChange={(e) => setRule(i, { indicator: e.target.value })} options={indicatorOptions} />
            <SelectField label={t('collecte.rules.metric')} value={r.metric} onChange={(e) => setRule(i, { metric: e.target.value as AlertRule['metric'] })} options={(['count', 'rate'] as const).map((m) => ({ value: m, label: alertMetricLabels[m] }))} />
            <TextField label={t('collecte.rules.window')} type="number" min={1} max={90} inputMode="numeric" value={String(r.window)} onChange={(e) => setRule(i, { window: Number(e.target.value) })} />
            <TextField label={t('collecte.rules.threshold')} type="number" min={0} step="any" inputMode="decimal" value={String(r.threshold)} onChange={(e) => setRule(i, { threshold: Number(e.target.value) })} />
            <button type="button" className="button button--danger-outline button--small rules__remove" onClick={() => onChange({ ...value, rules: value.rules.filter((_, n) => n !== i) })}>
              {t('collecte.rules.remove')}
            </button>
          </li>
        ))}
      </ol>
      <button type="button" className="button button--secondary button--small" onClick={() => onChange({ ...value, rules: [...value.rules, defaultRule()] })}>
        <Icon name="plus" size={16} /> {t('collecte.rules.add')}
      </button>
      <SelectField
        label={t('collecte.rules.detection')}
        hint={t('collecte.rules.detectionHint')}
        value={value.detectionLevel}
        onChange={(e) => onChange({ ...value, detectionLevel: e.target.value as AlertSettings['detectionLevel'] })}
        options={[{ value: 'none', label: t('collecte.rules.detectionNone') }, ...(['jaune', 'orange', 'rouge'] as const).map((l) => ({ value: l, label: alertLevelLabels[l] }))]}
      />
    </fieldset>
  );
}

function IndicatorsEditor({ value, onChange, errors, locked }: { value: IndicatorDraft[]; onChange: (v: IndicatorDraft[]) => void; errors: Record<string, string>; locked: boolean }) {
  const set = (i: number, patch: Partial<IndicatorDraft>) => onChange(value.map((d, n) => (n === i ? { ...d, ...patch } : d)));
  return (
    <fieldset className="fieldset" data-testid="indicators-editor">
      <legend>{t('collecte.form2.indicators')}</legend>
      <p className="muted small">{locked ? t('collecte.form2.indicatorsLocked') : t('collecte.form2.indicatorsHint')}</p>
      <ol className="indicator-list">
        {value.map((d, i) => (
          <li key={i} className="indicator-row">
            <TextField
              label={t('collecte.form2.indicatorLabel', { n: i + 1 })}
              value={d.label}
              disabled={locked}
              maxLength={120}
              error={errors[`indicators.${i}.label`]}
              onChange={(e) => set(i, { label: e.target.value, ...(d.keyTouched ? {} : { key: keyFromLabel(e.target.value) }) })}
            />
            <TextField label={t('collecte.form2.indicatorKey')} value={d.key} disabled={locked} maxLength={40} error={errors[`indicators.${i}.key`]} onChange={(e) => set(i, { key: e.target.value, keyTouched: true })} />
            <TextField label={t('collecte.form2.indicatorMax')} type="number" min={1} value={d.max} disabled={locked} error={errors[`indicators.${i}.max`]} onChange={(e) => set(i, { max: e.target.value })} />
            <TextField className="indicator-row__help" label={t('collecte.form2.indicatorHelp')} value={d.help} disabled={locked} maxLength={1000} onChange={(e) => set(i, { help: e.target.value })} />
            {!locked && value.length > 1 ? (
              <button type="button" className="button button--danger-outline button--small" onClick={() => onChange(value.filter((_, n) => n !== i))}>
                {t('collecte.rules.remove')}
              </button>
            ) : null}
          </li>
        ))}
      </ol>
      {!locked ? (
        <button type="button" className="button button--secondary button--small" onClick={() => onChange([...value, emptyIndicator()])}>
          <Icon name="plus" size={16} /> {t('collecte.form2.addIndicator')}
        </button>
      ) : null}
      {errors.indicators ? <p className="field__error">{errors.indicators}</p> : null}
    </fieldset>
  );
}

/** Field errors of a validation_failed answer, keyed by the body path ("indicators.0.label"). */
function fieldErrorsOf(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError) || !Array.isArray(err.details)) return {};
  const out: Record<string, string> = {};
  for (const d of err.details as Array<{ path?: string; message?: string }>) if (d.path && d.message) out[d.path] ??= d.message;
  return out;
}

function CommunesPicker({ department, value, onChange, locked }: { department: Department | null; value: string[] | 'all'; onChange: (v: string[] | 'all') => void; locked: boolean }) {
  const [filter, setFilter] = useState('');
  if (!department) return <p className="muted">{t('app.loading')}</p>;
  const chosen = new Set(value === 'all' ? department.communes.map((c) => c.inseeCode) : value);
  const shown = department.communes.filter((c) => !filter || c.name.toLowerCase().includes(filter.toLowerCase()) || c.inseeCode.startsWith(filter));
  return (
    <fieldset className="fieldset" data-testid="communes-picker">
      <legend>{t('collecte.form2.communes')}</legend>
      <div className="radio-row">
        <label className="radio-chip">
          <input type="radio" name="communes-mode" checked={value === 'all'} disabled={locked} onChange={() => onChange('all')} />
          {t('collecte.form2.allCommunes', { count: department.communes.length })}
        </label>
        <label className="radio-chip">
          <input type="radio" name="communes-mode" checked={value !== 'all'} disabled={locked} onChange={() => onChange(department.communes.map((c) => c.inseeCode))} />
          {t('collecte.form2.someCommunes')}
        </label>
      </div>
      {value !== 'all' ? (
        <>
          <TextField label={t('collecte.form2.filter')} value={filter} onChange={(e) => setFilter(e.target.value)} />
          <p className="muted small">{t('collecte.form2.chosen', { count: chosen.size })}</p>
          <ul className="commune-checklist">
            {shown.map((c) => (
              <li key={c.inseeCode}>
                <label>
                  <input
                    type="checkbox"
                    disabled={locked}
                    checked={chosen.has(c.inseeCode)}
                    onChange={(e) => onChange(e.target.checked ? [...chosen, c.inseeCode] : [...chosen].filter((x) => x !== c.inseeCode))}
                  />{' '}
                  {c.name} <span className="muted small">({c.inseeCode})</span>
                </label>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </fieldset>
  );
}

/** /collecte/nouvelle (create) and /collecte/:campaignId/parametres (edit). */
export function CampaignFormPage() {
  const { campaignId } = useParams();
  const editing = !!campaignId;
  const session = useSession();
  const navigate = useNavigate();
  const [existing, setExisting] = useState<CampaignDetail | null>(null);
  const [department, setDepartment] = useState<Department | null>(null);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [period, setPeriod] = useState<CampaignPeriod>('daily');
  const [deadline, setDeadline] = useState('10:00');
  const [startDate, setStartDate] = useState(parisToday());
  const [indicators, setIndicators] = useState<IndicatorDraft[]>([emptyIndicator()]);
  const [communes, setCommunes] = useState<string[] | 'all'>('all');
  const [alerts, setAlerts] = useState<AlertSettings>({ rules: [], detectionLevel: 'orange' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [statusChange, setStatusChange] = useState<'active' | 'closed' | null>(null);
  usePageTitle(editing ? t('collecte.form2.editTitle') : t('collecte.form2.newTitle'));

  const departmentCode = existing?.departmentCode ?? session.organisation.departmentCode;
  useEffect(() => {
    if (!departmentCode) return;
    api('getDepartment', { params: { code: departmentCode } })
      .then(setDepartment)
      .catch(() => setDepartment(null));
  }, [departmentCode]);

  useEffect(() => {
    if (!campaignId) return;
    api('getCampaign', { params: { id: campaignId } })
      .then((c) => {
        setExisting(c);
        setName(c.name);
        setDescription(c.description);
        setPeriod(c.period);
        setDeadline(c.deadline);
        setStartDate(c.startDate);
        setIndicators(c.indicators.map((i) => ({ key: i.key, label: i.label, help: i.help, max: String(i.max), keyTouched: true })));
        setCommunes(c.communeCount === (department?.communes.length ?? -1) ? 'all' : c.communes.map((x) => x.inseeCode));
        setAlerts(c.alerts);
      })
      .catch((e: unknown) => setFormError(errorMessage(e)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [campaignId]);

  // Once the department is known, an edited campaign asking every commune shows "all".
  useEffect(() => {
    if (existing && department && existing.communeCount === department.communes.length) setCommunes('all');
  }, [existing, department]);

  const locked = editing && existing?.status !== 'draft';
  const indicatorBody = useMemo(
    () => indicators.map((d) => ({ key: d.key.trim(), label: d.label.trim(), help: d.help.trim(), max: Number(d.max) || 10000 })),
    [indicators],
  );

  async function submit(e: FormEvent, status?: 'draft' | 'active') {
    e.preventDefault();
    setBusy(true);
    setFormError(null);
    setErrors({});
    setSaved(null);
    try {
      if (!editing) {
        const created = await api('createCampaign', {
          body: {
            name,
            description,
            period,
            deadline,
            startDate,
            status: status ?? 'draft',
            indicators: indicatorBody,
            ...(communes === 'all' ? {} : { communes }),
            alerts,
          },
        });
        navigate(`/collecte/${created.id}`);
        return;
      }
      const body = {
        name,
        description,
        deadline,
        alerts,
        ...(locked ? {} : { indicators: indicatorBody, ...(communes === 'all' ? { communes: department?.communes.map((c) => c.inseeCode) ?? [] } : { communes }) }),
      };
      const updated = await api('updateCampaign', { params: { id: campaignId! }, body });
      setExisting(updated);
      setAlerts(updated.alerts);
      setSaved(t('collecte.form2.saved'));
    } catch (err) {
      setErrors(fieldErrorsOf(err));
      setFormError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function changeStatus(status: 'active' | 'closed') {
    setBusy(true);
    try {
      setExisting(await api('updateCampaign', { params: { id: campaignId! }, body: { status } }));
      setStatusChange(null);
      setSaved(status === 'active' ? t('collecte.form2.opened') : t('collecte.form2.closed'));
    } catch (err) {
      setFormError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  if (session.organisation.kind !== 'prefecture') return <Alert tone="error">{t('collecte.form2.prefectureOnly')}</Alert>;
  return (
    <div className="page">
      <header className="page__header page__header--stacked">
        <p className="page__back">
          <Link to={editing ? `/collecte/${campaignId}` : '/collecte'}>← {editing ? t('collecte.form2.backToDashboard') : t('collecte.back')}</Link>
        </p>
        <h1>{editing ? t('collecte.form2.editTitle') : t('collecte.form2.newTitle')}</h1>
        {existing ? (
          <p className="muted">
            {existing.name} — <span className="badge badge--neutral">{campaignStatusLabels[existing.status]}</span>
          </p>
        ) : null}
      </header>
      <form className="form card campaign-form" noValidate onSubmit={(e) => void submit(e)}>
        <LiveMessage tone="error" message={formError} />
        {saved ? (
          <div role="status">
            <Alert tone="success">{saved}</Alert>
          </div>
        ) : null}
        <TextField label={t('collecte.form2.name')} value={name} maxLength={200} required error={errors.name} onChange={(e) => setName(e.target.value)} />
        <TextareaField label={t('collecte.form2.description')} hint={t('collecte.form2.descriptionHint')} value={description} rows={3} maxLength={4000} error={errors.description} onChange={(e) => setDescription(e.target.value)} />
        <div className="form-grid">
          <SelectField label={t('collecte.period')} value={period} disabled={editing} onChange={(e) => setPeriod(e.target.value as CampaignPeriod)} options={(['daily', 'weekly'] as const).map((p) => ({ value: p, label: campaignPeriodLabels[p] }))} />
          <TextField label={t('collecte.form2.deadline')} hint={t('collecte.form2.deadlineHint')} type="time" value={deadline} error={errors.deadline} onChange={(e) => setDeadline(e.target.value)} />
          <TextField label={t('collecte.form2.startDate')} type="date" value={startDate} disabled={editing} error={errors.startDate} onChange={(e) => setStartDate(e.target.value)} />
        </div>
        <IndicatorsEditor value={indicators} onChange={setIndicators} errors={errors} locked={locked} />
        <CommunesPicker department={department} value={communes} onChange={setCommunes} locked={locked} />
        {errors.communes ? <p className="field__error">{errors.communes}</p> : null}
        <RulesEditor value={alerts} onChange={setAlerts} indicators={indicatorBody} period={period} />
        <div className="form__actions">
          {editing ? (
            <>
              <button type="submit" className="button button--primary" disabled={busy}>
                {t('collecte.form2.save')}
              </button>
              {existing?.status !== 'active' ? (
                <button type="button" className="button button--secondary" disabled={busy} onClick={() => setStatusChange('active')}>
                  {t('collecte.form2.open')}
                </button>
              ) : (
                <button type="button" className="button button--danger-outline" disabled={busy} onClick={() => setStatusChange('closed')}>
                  {t('collecte.form2.close')}
                </button>
              )}
            </>
          ) : (
            <>
              <button type="button" className="button button--primary" disabled={busy} onClick={(e) => void submit(e, 'active')}>
                {t('collecte.form2.createActive')}
              </button>
              <button type="submit" className="button button--secondary" disabled={busy}>
                {t('collecte.form2.createDraft')}
              </button>
            </>
          )}
        </div>
      </form>
      <ConfirmDialog
        open={statusChange !== null}
        title={statusChange === 'active' ? t('collecte.form2.openTitle') : t('collecte.form2.closeTitle')}
        confirmLabel={statusChange === 'active' ? t('collecte.form2.open') : t('collecte.form2.close')}
        danger={statusChange === 'closed'}
        busy={busy}
        onCancel={() => setStatusChange(null)}
        onConfirm={() => statusChange && void changeStatus(statusChange)}
      >
        <p>{statusChange === 'active' ? t('collecte.form2.openText') : t('collecte.form2.closeText')}</p>
      </ConfirmDialog>
    </div>
  );
}
