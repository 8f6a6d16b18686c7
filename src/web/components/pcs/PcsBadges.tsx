import { t } from '../../i18n';
import { Icon } from '../Icon';
import './pcs.css';

/** « EXERCICE »: an exercise, not a real event (header of the event page, lists). */
export function ExerciseBadge() {
  return (
    <span className="badge pcs-exercise-badge" data-testid="exercise-badge" title={t('pcsEvent.exercise.title')}>
      {t('pcsEvent.exercise.badge')}
    </span>
  );
}

/** « Risque : Inondation » (the plan's risk the event is about). */
export function RiskFact({ name }: { name: string }) {
  return (
    <span className="pcs-risk-fact" data-testid="event-risk">
      <Icon name="shield" size={16} />
      {t('pcsEvent.risk.fact', { name })}
    </span>
  );
}
