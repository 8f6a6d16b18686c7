import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import {
  CONTACTS_CSV_COLUMNS,
  RESOURCES_CSV_COLUMNS,
  type PlanImportResult,
  type PlanOverview,
  type planDocumentSchema,
} from '../../../shared/schemas/pcs';
import type { z } from 'zod';
import { ApiError, api, errorMessage, routeUrl, uploadFile } from '../../api/client';
import { Alert, LiveMessage } from '../../components/Alert';
import { SelectField, TextField } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { formatDate, t, toParisDateInput, type MessageKey } from '../../i18n';
import './plan-tabs.css';

type Reminder = PlanOverview['reminders'][number];
type CsvKind = 'contacts' | 'resources';

/** A plan day ("2025-11-25") in words ("25 novembre 2025"). */
function formatDay(day: string | null): string {
  return day ? formatDate(`${day}T12:00:00Z`) : '';
}

// ---- import report ----

interface ReportIssue {
  /** "Ligne 3, colonne type" or "risks[1].sheets[0].title"; empty when the problem is the whole file. */
  where: string;
  /** `where` is a path in the JSON document (shown as code). */
  isPath: boolean;
  message: string;
}

type Report = { kind: 'done'; result: PlanImportResult } | { kind: 'failed'; message: string; issues: ReportIssue[] };

/** "risks.1.sheets.0.title" (zod path) → "risks[1].sheets[0].title". */
function pathLabel(path: unknown): string {
  const parts = Array.isArray(path) ? path.map(String) : typeof path === 'string' ? path.split('.').filter(Boolean) : [];
  const rest = parts.length > 1 && parts[0] === 'body' ? parts.slice(1) : parts;
  return rest.reduce((out, p) => (/^\d+$/.test(p) ? `${out}[${p}]` : out ? `${out}.${p}` : p), '');
}

function issuesOf(err: ApiError): ReportIssue[] {
  if (!Array.isArray(err.details)) return [];
  const out: ReportIssue[] = [];
  for (const d of err.details as unknown[]) {
    if (!d || typeof d !== 'object') continue;
    const i = d as { line?: unknown; column?: unknown; path?: unknown; message?: unknown };
    const message = typeof i.message === 'string' ? i.message : '';
    if (err.code === 'import_invalid') {
      const line = typeof i.line === 'number' ? i.line : 0;
      const column = typeof i.column === 'string' && i.column ? i.column : null;
      const where =
        line > 0
          ? column
            ? t('planTabs.import.lineColumn', { line: String(line), column })
            : t('planTabs.import.line', { line: String(line) })
          : (column ?? '');
      out.push({ where, isPath: line === 0 && column !== null, message });
    } else {
      out.push({ where: pathLabel(i.path), isPath: true, message });
    }
  }
  return out;
}

function failure(err: unknown): Report {
  if (err instanceof ApiError && (err.code === 'import_invalid' || err.code === 'validation_failed')) {
    return { kind: 'failed', message: err.message, issues: issuesOf(err) };
  }
  return { kind: 'failed', message: errorMessage(err), issues: [] };
}

const sectionOrder = ['risks', 'sheets', 'functions', 'contacts', 'oncall', 'alertMeans', 'resources', 'sites'];

function countsLabel(counts: Record<string, number>): string {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => sectionOrder.indexOf(a) - sectionOrder.indexOf(b))
    .map(([k, n]) => {
      const key = `planTabs.import.section.${k}.${n === 1 ? 'one' : 'many'}` as MessageKey;
      const label = sectionOrder.includes(k) ? t(key) : k;
      return `${n.toLocaleString('fr-FR')} ${label}`;
    })
    .join(', ');
}

const MAX_SHOWN = 50;

function ImportReport({ report }: { report: Report }) {
  if (report.kind === 'done') {
    const created = countsLabel(report.result.created);
    const updated = countsLabel(report.result.updated);
    return (
      <div data-testid="import-report" data-outcome="done">
        <Alert tone="success" title={t('planTabs.import.doneTitle')}>
          {!created && !updated ? <p>{t('planTabs.import.nothing')}</p> : null}
          {created ? <p>{t('planTabs.import.created', { list: created })}</p> : null}
          {updated ? <p>{t('planTabs.import.updated', { list: updated })}</p> : null}
        </Alert>
      </div>
    );
  }
  const shown = report.issues.slice(0, MAX_SHOWN);
  return (
    <div data-testid="import-report" data-outcome="failed">
      <Alert tone="error" title={t('planTabs.import.errorTitle')}>
        {shown.length ? (
          <>
            <p>{t('planTabs.import.errorIntro')}</p>
            <ul className="plan-report__list">
              {shown.map((i, n) => (
                <li key={n}>
                  {i.where ? (
                    <>
                      <span className="plan-report__where">{i.isPath ? <code>{i.where}</code> : i.where}</span> :{' '}
                    </>
                  ) : null}
                  {i.message}
                </li>
              ))}
            </ul>
            {report.issues.length > shown.length ? <p>{t('planTabs.import.more', { n: report.issues.length - shown.length })}</p> : null}
          </>
        ) : (
          <p>{report.message}</p>
        )}
      </Alert>
    </div>
  );
}

/** French message for a JSON.parse failure, with the line and column when the browser gives a position. */
function parseErrorMessage(text: string, err: unknown): string {
  const detail = err instanceof Error ? err.message : '';
  // Firefox: "… at line 3 column 29 of the JSON data".
  const lc = /line (\d+) column (\d+)/.exec(detail);
  if (lc) return t('planTabs.import.parseError', { message: t('planTabs.import.lineColumn', { line: lc[1], column: lc[2] }) });
  // Chromium: "… in JSON at position 57 (line 3 column 29)" or "… at position 57".
  const m = /position (\d+)/.exec(detail);
  if (m) {
    const before = text.slice(0, Number(m[1]));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    return t('planTabs.import.parseError', { message: t('planTabs.import.lineColumn', { line: String(line), column: String(column) }) });
  }
  return t('planTabs.import.parseErrorShort');
}

// ---- upkeep dates ----

function UpkeepItem({ label, last, due, reminder, testId }: { label: string; last: string | null; due: string | null; reminder: Reminder | undefined; testId: string }) {
  const level = reminder?.level ?? 'ok';
  return (
    <div className={`plan-upkeep__item plan-upkeep__item--${level}`} data-testid={testId} data-level={level}>
      <div className="plan-upkeep__head">
        <span className="plan-upkeep__label">{label}</span>
        {reminder ? (
          <span className={`badge ${reminder.level === 'overdue' ? 'badge--danger' : 'badge--warning'}`}>{t(`planTabs.upkeep.level.${reminder.level}`)}</span>
        ) : (
          <span className="badge badge--success">{t('planTabs.upkeep.upToDate')}</span>
        )}
      </div>
      <p className="plan-upkeep__date">{last ? formatDay(last) : t('planTabs.upkeep.never')}</p>
      <p className="muted">{due ? t('planTabs.upkeep.due', { date: formatDay(due) }) : t('planTabs.upkeep.noDue')}</p>
      {reminder ? <p className="visually-hidden">{reminder.message}</p> : null}
    </div>
  );
}

function UpkeepForm({ overview, onChanged }: { overview: PlanOverview; onChanged: () => void }) {
  const [revision, setRevision] = useState(overview.lastRevisionOn ?? '');
  const [exercise, setExercise] = useState(overview.lastExerciseOn ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const today = toParisDateInput(new Date());

  // The dates changed elsewhere (another person, an import): show them.
  useEffect(() => setRevision(overview.lastRevisionOn ?? ''), [overview.lastRevisionOn]);
  useEffect(() => setExercise(overview.lastExerciseOn ?? ''), [overview.lastExerciseOn]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    setDone(null);
    const errs: Record<string, string> = {};
    const check = (k: string, v: string) => {
      if (v && !/^\d{4}-\d{2}-\d{2}$/.test(v)) errs[k] = t('planTabs.upkeep.badDate');
      else if (v && v > today) errs[k] = t('planTabs.upkeep.futureDate');
    };
    check('lastRevisionOn', revision);
    check('lastExerciseOn', exercise);
    setErrors(errs);
    if (Object.keys(errs).length) return;
    const body: { lastRevisionOn?: string | null; lastExerciseOn?: string | null } = {};
    if (revision !== (overview.lastRevisionOn ?? '')) body.lastRevisionOn = revision || null;
    if (exercise !== (overview.lastExerciseOn ?? '')) body.lastExerciseOn = exercise || null;
    if (Object.keys(body).length === 0) {
      setDone(t('planTabs.upkeep.noChange'));
      return;
    }
    setBusy(true);
    try {
      await api('updatePlanUpkeep', { body });
      setDone(t('planTabs.upkeep.saved'));
      onChanged();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'validation_failed') setErrors(err.fieldErrors);
      setFormError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate className="form plan-upkeep__edit" data-testid="upkeep-form">
      <div>
        <h3 className="plan-import__title">{t('planTabs.upkeep.editTitle')}</h3>
        <p className="field__hint">{t('planTabs.upkeep.dateHint')}</p>
      </div>
      <LiveMessage tone="error" message={formError} />
      <div className="plan-upkeep__form">
        <TextField label={t('planTabs.upkeep.revisionInput')} type="date" name="lastRevisionOn" max={today} value={revision} onChange={(e) => setRevision(e.target.value)} error={errors.lastRevisionOn} />
        <TextField label={t('planTabs.upkeep.exerciseInput')} type="date" name="lastExerciseOn" max={today} value={exercise} onChange={(e) => setExercise(e.target.value)} error={errors.lastExerciseOn} />
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? t('planTabs.upkeep.saving') : t('planTabs.upkeep.save')}
        </button>
      </div>
      <div aria-live="polite" className="form__done">
        {done ? (
          <>
            <Icon name="check" size={16} /> {done}
          </>
        ) : null}
      </div>
    </form>
  );
}

// ---- import ----

function ImportSection({ onChanged }: { onChanged: () => void }) {
  const jsonId = useId();
  const csvId = useId();
  const [jsonFile, setJsonFile] = useState<File | null>(null);
  const [csvFile, setCsvFile] = useState<File | null>(null);
  const [csvKind, setCsvKind] = useState<CsvKind>('contacts');
  const [busy, setBusy] = useState<'json' | 'csv' | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  /** Changing it empties the file inputs after an import. */
  const [inputsKey, setInputsKey] = useState(0);
  const reportRef = useRef<HTMLDivElement>(null);

  // The report comes below both forms: bring it into view (phones).
  useEffect(() => {
    if (report) reportRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [report]);

  const finish = (result: PlanImportResult) => {
    setReport({ kind: 'done', result });
    setJsonFile(null);
    setCsvFile(null);
    setInputsKey((k) => k + 1);
    onChanged();
  };

  async function importJson() {
    setReport(null);
    if (!jsonFile) {
      setReport({ kind: 'failed', message: t('planTabs.import.chooseFile'), issues: [] });
      return;
    }
    setBusy('json');
    try {
      let text: string;
      try {
        text = await jsonFile.text();
      } catch {
        setReport({ kind: 'failed', message: t('planTabs.import.unreadable'), issues: [] });
        return;
      }
      let doc: unknown;
      try {
        doc = JSON.parse(text.replace(/^\uFEFF/, ''));
      } catch (err) {
        setReport({ kind: 'failed', message: parseErrorMessage(text, err), issues: [] });
        return;
      }
      finish(await api('importPlan', { body: doc as z.input<typeof planDocumentSchema> }));
    } catch (err) {
      setReport(failure(err));
    } finally {
      setBusy(null);
    }
  }

  async function importCsv() {
    setReport(null);
    if (!csvFile) {
      setReport({ kind: 'failed', message: t('planTabs.import.chooseFile'), issues: [] });
      return;
    }
    setBusy('csv');
    try {
      finish(await uploadFile('importPlanCsv', csvFile, { query: { kind: csvKind } }));
    } catch (err) {
      setReport(failure(err));
    } finally {
      setBusy(null);
    }
  }

  const columns = (csvKind === 'contacts' ? CONTACTS_CSV_COLUMNS : RESOURCES_CSV_COLUMNS).join(' ; ');

  return (
    <section className="card" aria-labelledby="plan-import-title" data-testid="plan-import">
      <h2 id="plan-import-title" className="card__title">
        {t('planTabs.import.title')}
      </h2>
      <p className="plan-prose">{t('planTabs.import.intro')}</p>
      <div className="plan-import">
        <div className="plan-import__part">
          <h3 className="plan-import__title">{t('planTabs.import.jsonTitle')}</h3>
          <div className="field">
            <label className="field__label" htmlFor={jsonId}>
              {t('planTabs.import.jsonFile')}
            </label>
            <p className="field__hint" id={`${jsonId}-hint`}>
              {t('planTabs.import.jsonHint')}
            </p>
            <input
              key={`json-${inputsKey}`}
              id={jsonId}
              className="input plan-import__file"
              type="file"
              accept=".json,application/json"
              aria-describedby={`${jsonId}-hint`}
              data-testid="import-json-file"
              onChange={(e) => setJsonFile(e.target.files?.[0] ?? null)}
            />
          </div>
          <button type="button" className="button button--primary" disabled={busy !== null || !jsonFile} onClick={() => void importJson()}>
            {busy === 'json' ? t('planTabs.import.busy') : t('planTabs.import.jsonSubmit')}
          </button>
        </div>

        <div className="plan-import__part">
          <h3 className="plan-import__title">{t('planTabs.import.csvTitle')}</h3>
          <SelectField
            label={t('planTabs.import.csvKind')}
            value={csvKind}
            onChange={(e) => setCsvKind(e.target.value as CsvKind)}
            options={[
              { value: 'contacts', label: t('planTabs.import.csvKind.contacts') },
              { value: 'resources', label: t('planTabs.import.csvKind.resources') },
            ]}
            data-testid="import-csv-kind"
          />
          <div className="field">
            <label className="field__label" htmlFor={csvId}>
              {t('planTabs.import.csvFile')}
            </label>
            <p className="field__hint plan-columns" id={`${csvId}-hint`}>
              {t('planTabs.import.csvColumns', { columns })}
            </p>
            <input
              key={`csv-${inputsKey}`}
              id={csvId}
              className="input plan-import__file"
              type="file"
              accept=".csv,text/csv"
              aria-describedby={`${csvId}-hint`}
              data-testid="import-csv-file"
              onChange={(e) => setCsvFile(e.target.files?.[0] ?? null)}
            />
          </div>
          <button type="button" className="button button--primary" disabled={busy !== null || !csvFile} onClick={() => void importCsv()}>
            {busy === 'csv' ? t('planTabs.import.busy') : t('planTabs.import.csvSubmit')}
          </button>
        </div>
      </div>
      <div aria-live="polite" className="plan-report" ref={reportRef}>
        {report ? <ImportReport report={report} /> : null}
      </div>
    </section>
  );
}

/** Upkeep of the plan (revision and exercise dates, legal reminders), export and import. */
export function UpkeepTab({ overview, onChanged }: { overview: PlanOverview; onChanged: () => void }) {
  // The page reloads the overview on every `plan.changed` (upkeep included): nothing to follow here.
  const reminder = (kind: Reminder['kind']) => overview.reminders.find((r) => r.kind === kind);

  return (
    <div className="plan-tab" data-testid="plan-upkeep">
      <section className="card" aria-labelledby="plan-upkeep-title">
        <h2 id="plan-upkeep-title" className="card__title">
          {t('planTabs.upkeep.title')}
        </h2>
        <p className="plan-prose">{t('planTabs.upkeep.rule')}</p>
        <p className="plan-prose muted">{t('planTabs.upkeep.exerciseHow')}</p>
        <div className="plan-upkeep">
          <UpkeepItem label={t('planTabs.upkeep.revision')} last={overview.lastRevisionOn} due={overview.revisionDueOn} reminder={reminder('revision')} testId="upkeep-revision" />
          <UpkeepItem label={t('planTabs.upkeep.exercise')} last={overview.lastExerciseOn} due={overview.exerciseDueOn} reminder={reminder('exercise')} testId="upkeep-exercise" />
        </div>
        {overview.canManage ? <UpkeepForm overview={overview} onChanged={onChanged} /> : null}
      </section>

      {overview.canManage ? (
        <section className="card" aria-labelledby="plan-export-title" data-testid="plan-export">
          <h2 id="plan-export-title" className="card__title">
            {t('planTabs.export.title')}
          </h2>
          <p className="plan-prose">{t('planTabs.export.intro')}</p>
          <div className="plan-downloads">
            <a className="button button--secondary" href={routeUrl('exportPlan')} download>
              <Icon name="download" size={18} />
              {t('planTabs.export.json')}
            </a>
            <a className="button button--secondary" href={routeUrl('exportPlanCsv', undefined, { kind: 'contacts' })} download>
              <Icon name="download" size={18} />
              {t('planTabs.export.contacts')}
            </a>
            <a className="button button--secondary" href={routeUrl('exportPlanCsv', undefined, { kind: 'resources' })} download>
              <Icon name="download" size={18} />
              {t('planTabs.export.resources')}
            </a>
          </div>
        </section>
      ) : null}

      {overview.canManage ? <ImportSection onChanged={onChanged} /> : null}
    </div>
  );
}
