// Plain-French explanation of one monitored point, for the person who receives the alert:
// observed against expected, the threshold, the method and the history it used, e.g.
// « 12 décès observés, 4,1 attendus, seuil 9 (Noufaily, 3 ans d'historique) ».
// Wording is French first (the product's language); numbers use the fr-FR format (comma decimal).

import type { DetectionPoint, DetectionResult, Frequency } from './types';

export interface ExplainOptions {
  /** What is counted, singular and plural: { one: 'décès', other: 'décès' }. Default « cas ». */
  unit?: { one: string; other: string };
}

const fmt1 = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const fmtInt = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const fmtP = new Intl.NumberFormat('fr-FR', { maximumSignificantDigits: 2 });

function timeUnit(frequency: Frequency, count: number): string {
  const plural = count >= 2;
  if (frequency === 365) return plural ? 'jours' : 'jour';
  if (frequency === 52) return plural ? 'semaines' : 'semaine';
  return 'mois';
}

/** « les 4 derniers jours », « les 4 dernières semaines » (gender of the time unit). */
function lastUnits(frequency: Frequency, count: number): string {
  if (frequency === 52) return `${count} dernières ${timeUnit(frequency, count)}`;
  return `${count} derniers ${timeUnit(frequency, count)}`;
}

function previousUnits(frequency: Frequency, count: number): string {
  if (frequency === 52) return `${count} ${timeUnit(frequency, count)} précédentes`;
  return `${count} ${timeUnit(frequency, count)} précédents`;
}

function formatCount(v: number): string {
  return Number.isInteger(v) ? fmtInt.format(v) : fmt1.format(v);
}

/** French adjective agreement: below 2, singular (« 1,5 attendu »), from 2 plural. */
function agree(v: number, word: string): string {
  return Math.abs(v) >= 2 ? `${word}s` : word;
}

/** Short method name and the history it used, e.g. « Noufaily, 3 ans d'historique ». */
export function describeMethod(result: DetectionResult): string {
  const s = result.settings;
  switch (s.method) {
    case 'farringtonFlexible': {
      const name =
        s.noPeriods > 1 && s.thresholdMethod !== 'delta'
          ? 'Noufaily'
          : s.noPeriods === 1 && s.thresholdMethod === 'delta'
            ? 'Farrington'
            : 'Farrington flexible';
      return `${name}, ${s.b} ${s.b >= 2 ? 'ans' : 'an'} d'historique`;
    }
    case 'earsC':
      return `EARS ${s.variant}, ${s.baseline} ${timeUnit(result.frequency, s.baseline)} de référence`;
    case 'cusum':
      return `CUSUM, référence sur les ${previousUnits(result.frequency, s.range.from)}`;
  }
}

/**
 * One sentence about a point. Alarms read « Alerte : 12 décès observés, 4,1 attendus, seuil 9
 * (Noufaily, 3 ans d'historique). »; other points say why there is no alarm.
 */
export function explainPoint(point: DetectionPoint, result: DetectionResult, options: ExplainOptions = {}): string {
  const unit = options.unit ?? { one: 'cas', other: 'cas' };
  const method = describeMethod(result);
  const s = result.settings;
  if (point.status === 'insufficient_history') {
    const need =
      s.method === 'farringtonFlexible'
        ? `${s.b} ${s.b >= 2 ? 'ans' : 'an'} et ${s.w} ${timeUnit(result.frequency, s.w)}`
        : s.method === 'earsC'
          ? `${s.baseline} ${timeUnit(result.frequency, s.baseline)}`
          : 'un historique';
    return `Pas de calcul : historique insuffisant, il faut au moins ${need} de données avant ce point (${method}).`;
  }
  if (point.status === 'seasonal_blocks_too_short') {
    return `Pas de calcul : les périodes saisonnières sont trop courtes pour cette série (${method}).`;
  }
  if (point.status === 'fit_failed') {
    return `Pas de calcul : le modèle n'a pas convergé sur l'historique (${method}).`;
  }
  if (point.observed === null) return `Donnée manquante : pas d'évaluation possible (${method}).`;
  const obs = point.observed;
  const observedText = `${formatCount(obs)} ${obs >= 2 ? unit.other : unit.one} ${agree(obs, 'observé')}`;
  const expectedText = point.expected === null ? null : `${fmt1.format(point.expected)} ${agree(point.expected, 'attendu')}`;
  const thresholdText = point.upperbound === null ? null : `seuil ${formatCount(point.upperbound)}`;
  const core = [observedText, expectedText, thresholdText].filter((x) => x !== null).join(', ');
  if (point.alarm === true) {
    const p =
      point.pvalue !== null && point.pvalue > 0 && point.pvalue < 0.05
        ? ` ; un tel excès n'arrive par hasard qu'avec une probabilité de ${fmtP.format(point.pvalue * 100)} %`
        : '';
    return `Alerte : ${core} (${method})${p}.`;
  }
  if (s.method === 'farringtonFlexible' && point.upperbound === null) {
    const [c, p4] = s.limit54;
    return `Pas d'alerte possible : moins de ${c} ${unit.other} sur les ${lastUnits(result.frequency, p4)} (règle « ${c} en ${p4} » de Farrington) ; ${observedText} (${method}).`;
  }
  if (point.alarm === null) return `Pas d'évaluation : référence incomplète (donnée manquante) ; ${observedText} (${method}).`;
  return `Pas d'alerte : ${core} (${method}).`;
}
