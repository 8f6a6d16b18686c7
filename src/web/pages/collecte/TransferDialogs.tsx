import { useEffect, useId, useState } from 'react';
import type { CampaignDetail, ImportIssue, ImportResult } from '../../../shared';
import { ApiError, errorMessage, routeUrl, uploadFile } from '../../api/client';
import { Alert } from '../../components/Alert';
import { Dialog } from '../../components/Dialog';
import { TextareaField } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { t } from '../../i18n';
import { addDays } from './dates';
import { ImportIssuesTable } from './ImportIssues';

/** Longest span of one export (the server's limit). */
const MAX_SPAN_DAYS = 366;

/** CSV (re-importable, for spreadsheets) and DHIS2 dataValueSets downloads of a period. */
export function ExportDialog({ open, campaign, date, onClose }: { open: boolean; campaign: CampaignDetail; date: string; onClose: () => void }) {
  const defaultFrom = addDays(date, -(MAX_SPAN_DAYS - 1)) < campaign.startDate ? campaign.startDate : addDays(date, -(MAX_SPAN_DAYS - 1));
  const [from, setFrom] = useState(defaultFrom);
  const [to, setTo] = useState(date);
  useEffect(() => {
    if (open) {
      setFrom(defaultFrom);
      setTo(date);
    }
  }, [open, defaultFrom, date]);
  const span = (Date.parse(to) - Date.parse(from)) / 86_400_000;
  const problem = !from || !to ? t('collecte.export.datesRequired') : from > to ? t('collecte.export.order') : span > MAX_SPAN_DAYS ? t('collecte.export.tooLong') : null;
  const query = { from, to };
  return (
    <Dialog open={open} title={t('collecte.export.title')} onClose={onClose}>
      <p className="muted">{t('collecte.export.intro')}</p>
      <div className="form-grid">
        <div className="field">
          <label className="field__label" htmlFor="export-from">
            {t('collecte.export.from')}
          </label>
          <input id="export-from" className="input" type="date" value={from} min={campaign.startDate} max={date} onChange={(e) => setFrom(e.target.value)} />
        </div>
        <div className="field">
          <label className="field__label" htmlFor="export-to">
            {t('collecte.export.to')}
          </label>
          <input id="export-to" className="input" type="date" value={to} min={campaign.startDate} onChange={(e) => setTo(e.target.value)} />
        </div>
      </div>
      {problem ? <Alert tone="warning">{problem}</Alert> : null}
      <div className="button-row">
        <a className={`button button--primary${problem ? ' button--disabled' : ''}`} aria-disabled={problem ? true : undefined} href={problem ? undefined : routeUrl('exportDeclarationsCsv', { id: campaign.id }, query)} download>
          <Icon name="download" size={18} /> {t('collecte.export.csv')}
        </a>
        <a className={`button button--secondary${problem ? ' button--disabled' : ''}`} aria-disabled={problem ? true : undefined} href={problem ? undefined : routeUrl('exportDeclarationsDhis2', { id: campaign.id }, query)} download>
          <Icon name="download" size={18} /> {t('collecte.export.dhis2')}
        </a>
      </div>
      <p className="muted small">{t('collecte.export.dhis2Hint')}</p>
    </Dialog>
  );
}

/**
 * Back-filling history from a CSV of the export's shape: check first (nothing written), then
 * import; all or nothing, every problem listed with its line.
 */
export function ImportDialog({ open, campaign, onClose, onImported }: { open: boolean; campaign: CampaignDetail; onClose: () => void; onImported: () => void }) {
  const fileId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [checked, setChecked] = useState<ImportResult | null>(null);
  const [done, setDone] = useState<ImportResult | null>(null);
  const [issues, setIssues] = useState<ImportIssue[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return;
    setFile(null);
    setReason('');
    setChecked(null);
    setDone(null);
    setIssues(null);
    setError(null);
  }, [open]);

  const run = async (dryRun: boolean) => {
    if (!file) {
      setError(t('collecte.import.fileRequired'));
      return;
    }
    setBusy(true);
    setError(null);
    setIssues(null);
    try {
      const result = await uploadFile('importDeclarations', file, { params: { id: campaign.id }, query: { dryRun: dryRun ? 'true' : undefined, reason: reason.trim() || undefined } });
      if (dryRun) setChecked(result);
      else {
        setDone(result);
        onImported();
      }
    } catch (err) {
      setChecked(null);
      if (err instanceof ApiError && err.code === 'import_invalid' && Array.isArray(err.details)) setIssues(err.details as ImportIssue[]);
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const header = ['date', 'code_insee', 'commune', ...campaign.indicators.map((i) => i.key)].join(';');
  return (
    <Dialog
      open={open}
      title={t('collecte.import.title')}
      onClose={onClose}
      dismissible={!busy}
      footer={
        done ? (
          <button type="button" className="button button--primary" onClick={onClose}>
            {t('action.close')}
          </button>
        ) : (
          <>
            <button type="button" className="button button--secondary" onClick={() => void run(true)} disabled={busy || !file}>
              {t('collecte.import.check')}
            </button>
            <button type="button" className="button button--primary" onClick={() => void run(false)} disabled={busy || !checked}>
              {busy ? t('collecte.import.busy') : t('collecte.import.submit')}
            </button>
          </>
        )
      }
    >
      <p>{t('collecte.import.intro')}</p>
      <p className="muted small">
        {t('collecte.import.format')} <code className="mono">{header}</code>
      </p>
      {!done ? (
        <>
          <div className="field">
            <label className="field__label" htmlFor={fileId}>
              {t('collecte.import.file')}
            </label>
            <input
              id={fileId}
              className="input"
              type="file"
              accept=".csv,text/csv"
              onChange={(e) => {
                setFile(e.target.files?.[0] ?? null);
                setChecked(null);
                setIssues(null);
                setError(null);
              }}
            />
          </div>
          <TextareaField label={t('collecte.import.reason')} hint={t('collecte.import.reasonHint')} rows={2} maxLength={500} value={reason} onChange={(e) => { setReason(e.target.value); setChecked(null); }} />
        </>
      ) : null}
      <div aria-live="polite">
        {error ? <Alert tone="error">{error}</Alert> : null}
        {checked && !done ? (
          <Alert tone="info" title={t('collecte.import.checkedTitle')}>
            {t('collecte.import.summary', { lines: checked.lines, created: checked.created, corrected: checked.corrected, unchanged: checked.unchanged, communes: checked.communes })}
          </Alert>
        ) : null}
        {done ? (
          <Alert tone="success" title={t('collecte.import.doneTitle')}>
            {t('collecte.import.summary', { lines: done.lines, created: done.created, corrected: done.corrected, unchanged: done.unchanged, communes: done.communes })}
          </Alert>
        ) : null}
      </div>
      {issues && issues.length ? <ImportIssuesTable issues={issues} /> : null}
    </Dialog>
  );
}
