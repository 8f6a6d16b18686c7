// The only door of the detection module: types, `detect`, presets and French explanations.
// Pure computation: no I/O and no node:* import, so the server (collection, every morning, one
// call per commune) and the browser can both use it.

import type { CusumSettings, DetectionMethod, EarsCSettings, FarringtonFlexibleSettings } from './types';

export * from './types';
export { detect } from './detect';
export { explainPoint, describeMethod, type ExplainOptions } from './explain';
export { checkReference, formatReport, referenceToRequest, TOLERANCES, type ParityReport, type ReferenceFile } from './parity';

export type PresetName = 'farrington1996' | 'noufaily2013' | 'earsC1' | 'earsC2' | 'earsC3';

type FarringtonOverrides = Omit<FarringtonFlexibleSettings, 'method'>;
type EarsOverrides = Omit<EarsCSettings, 'method' | 'variant'>;

/**
 * Named configurations. farrington1996: Farrington et al. (1996), J. R. Stat. Soc. A 159:547–563;
 * noufaily2013: Noufaily et al. (2013), Stat. Med. 32:1206–1222, as SPEC 2.1 states them;
 * earsC1/2/3: Hutwagner et al. (2003), CDC EARS, with R's defaults.
 */
export const presets = {
  farrington1996: (o: FarringtonOverrides = {}): FarringtonFlexibleSettings => ({
    method: 'farringtonFlexible',
    noPeriods: 1,
    weightsThreshold: 1,
    pastWeeksNotIncluded: null,
    pThresholdTrend: 0.05,
    thresholdMethod: 'delta',
    powertrans: '2/3',
    ...o,
  }),
  noufaily2013: (o: FarringtonOverrides = {}): FarringtonFlexibleSettings => ({
    method: 'farringtonFlexible',
    noPeriods: 10,
    weightsThreshold: 2.58,
    pastWeeksNotIncluded: 26,
    pThresholdTrend: 1,
    thresholdMethod: 'nbPlugin',
    ...o,
  }),
  earsC1: (o: EarsOverrides = {}): EarsCSettings => ({ method: 'earsC', variant: 'C1', ...o }),
  earsC2: (o: EarsOverrides = {}): EarsCSettings => ({ method: 'earsC', variant: 'C2', ...o }),
  earsC3: (o: EarsOverrides = {}): EarsCSettings => ({ method: 'earsC', variant: 'C3', ...o }),
} as const satisfies Record<PresetName, (o?: never) => DetectionMethod>;

/** The CUSUM settings of R's defaults (k = 1.04, h = 2.26, standard transform, m = pre-range mean). */
export function cusumDefaults(range: CusumSettings['range']): CusumSettings {
  return { method: 'cusum', k: 1.04, h: 2.26, m: null, trans: 'standard', range };
}
