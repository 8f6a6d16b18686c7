import { useState } from 'react';
import type { Completeness } from '../../../shared';
import { Icon } from '../../components/Icon';
import { formatDateTime, t } from '../../i18n';
import { formatIsoDay } from './dates';

/** Who answered, who is late, with the contacts to remind (e-mails to copy, phones to call). */
export function CompletenessCard({ completeness, onSelect }: { completeness: Completeness; onSelect: (inseeCode: string) => void }) {
  const [copied, setCopied] = useState(false);
  const list = completeness.deadlinePassed
    ? completeness.late
    : completeness.communes.filter((c) => c.status !== 'answered').map((c) => ({ inseeCode: c.inseeCode, name: c.name, contacts: [] as string[], people: [] as Completeness['late'][number]['people'] }));
  const emails = [...new Set(completeness.late.flatMap((l) => l.contacts))];
  const pct = completeness.totals.asked ? Math.round((completeness.totals.answered / completeness.totals.asked) * 100) : 0;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(emails.join(', '));
      setCopied(true);
      window.setTimeout(() => setCopied(false), 2500);
    } catch {
      setCopied(false);
    }
  };
  return (
    <section className="card" aria-labelledby="completeness-title" data-testid="completeness">
      <h2 id="completeness-title" className="card__title">
        {t('collecte.dash.completeness')} — {formatIsoDay(completeness.date)}
      </h2>
      <div className="progress" role="img" aria-label={t('collecte.dash.progress', { pct })}>
        <div className="progress__bar" style={{ width: `${pct}%` }} />
      </div>
      <p className="muted small">
        {t('collecte.dash.progress', { pct })} — {t('collecte.dash.deadline', { when: formatDateTime(completeness.deadline) })}
        {completeness.deadlinePassed ? '' : ` (${t('collecte.dash.deadlineAhead')})`}
      </p>
      <h3 className="subtitle">{completeness.deadlinePassed ? t('collecte.dash.lateList', { count: list.length }) : t('collecte.dash.missingList', { count: list.length })}</h3>
      {list.length === 0 ? <p className="muted">{t('collecte.dash.lateNone')}</p> : null}
      {completeness.deadlinePassed && emails.length ? (
        <div className="button-row">
          <button type="button" className="button button--secondary button--small" onClick={() => void copy()}>
            <Icon name="copy" size={16} /> {copied ? t('collecte.dash.copied') : t('collecte.dash.copyEmails', { count: emails.length })}
          </button>
          <a className="button button--tertiary button--small" href={`mailto:?bcc=${encodeURIComponent(emails.join(','))}&subject=${encodeURIComponent(t('collecte.dash.reminderSubject'))}`}>
            {t('collecte.dash.writeAll')}
          </a>
        </div>
      ) : null}
      <ul className={`late-list${completeness.deadlinePassed ? '' : ' late-list--many'}`} data-testid="late-list">
        {list.map((l) => (
          <li key={l.inseeCode}>
            <button type="button" className="link-button late-list__name" onClick={() => onSelect(l.inseeCode)}>
              {l.name}
            </button>
            {completeness.deadlinePassed ? (
              l.people.length ? (
                <ul className="late-list__people">
                  {l.people.map((p) => (
                    <li key={p.email}>
                      {p.name}
                      {p.jobTitle ? `, ${p.jobTitle}` : ''} — <a href={`mailto:${p.email}`}>{p.email}</a>
                      {p.phone ? (
                        <>
                          {' '}
                          — <a href={`tel:${p.phone.replace(/[^\d+]/g, '')}`}>{p.phone}</a>
                        </>
                      ) : null}
                    </li>
                  ))}
                </ul>
              ) : (
                <span className="muted small"> — {t('collecte.dash.noContact')}</span>
              )
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
