import { alertLevelLabels, alertLevelRank, isNewAlarm, type AlertReason, type Overview } from '../../../shared';
import { t } from '../../i18n';
import { LEVEL_COLORS, LEVEL_INK } from './levels';

/** The communes not green, new alarms first (level higher than the period before), each with why. */
export function AlarmsCard({ overview, onSelect }: { overview: Overview; onSelect: (inseeCode: string) => void }) {
  const raised = overview.communes.filter((c) => c.level !== 'vert');
  const sorted = [...raised].sort((a, b) => Number(isNewAlarm(b)) - Number(isNewAlarm(a)) || alertLevelRank(b.level) - alertLevelRank(a.level) || a.name.localeCompare(b.name, 'fr'));
  const fresh = raised.filter(isNewAlarm).length;
  const dep = overview.department;
  return (
    <section className="card alarms" aria-labelledby="alarms-title" data-testid="alarms">
      <h2 id="alarms-title" className="card__title">
        {t('collecte.alarms.title')} {fresh ? <span className="badge badge--danger">{t('collecte.alarms.newCount', { count: fresh })}</span> : null}
      </h2>
      <p className="muted small">
        {(['rouge', 'orange', 'jaune'] as const).map((l) => `${alertLevelLabels[l]} : ${dep.levelCounts[l]}`).join(' · ')}
      </p>
      {dep.reasons.length ? (
        <div className="alarm alarm--department" style={{ borderColor: LEVEL_COLORS[dep.level] }}>
          <p className="alarm__head">
            <span className="level-pill" style={{ background: LEVEL_COLORS[dep.level], color: LEVEL_INK[dep.level] }}>
              {alertLevelLabels[dep.level]}
            </span>{' '}
            <strong>{t('collecte.alarms.department', { name: dep.name })}</strong>
          </p>
          <ul className="alarm__reasons">
            {dep.reasons.map((r, i) => (
              <li key={i}>{r.message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {sorted.length === 0 ? <p className="muted">{t('collecte.alarms.none')}</p> : null}
      <ul className="alarm-list">
        {sorted.map((c) => (
          <li key={c.inseeCode} className="alarm" style={{ borderColor: LEVEL_COLORS[c.level] }} data-insee={c.inseeCode} data-level={c.level}>
            <p className="alarm__head">
              <span className="level-pill" style={{ background: LEVEL_COLORS[c.level], color: LEVEL_INK[c.level] }}>
                {alertLevelLabels[c.level]}
              </span>{' '}
              <button type="button" className="link-button alarm__name" onClick={() => onSelect(c.inseeCode)}>
                {c.name}
              </button>
              {isNewAlarm(c) ? <span className="badge badge--danger">{t('collecte.alarms.new')}</span> : null}
            </p>
            <ReasonList reasons={c.reasons} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Why a commune has its level: each rule reached, or the statistical alarm, in French. */
export function ReasonList({ reasons, testId }: { reasons: AlertReason[]; testId?: string }) {
  return (
    <ul className="alarm__reasons" data-testid={testId}>
      {reasons.map((r, i) => (
        <li key={i}>
          <span className="alarm__source">{r.source === 'rule' ? t('collecte.alarms.rule') : t('collecte.alarms.detection')}</span> {r.message}
        </li>
      ))}
    </ul>
  );
}
