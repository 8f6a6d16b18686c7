// detect(): validation, default settings, dispatch to the method. Re-exported by index.ts.

import { resolveCusum, runCusum } from './cusum';
import { resolveEarsC, runEarsC } from './earsC';
import { resolveFarrington, runFarrington } from './farringtonFlexible';
import { prepareSeries } from './series';
import { SurveillanceError, type DetectionMethod, type DetectionResult, type Series } from './types';

/**
 * Runs one detection method on one series. Throws `SurveillanceError` for invalid input; points
 * that cannot be computed carry a non-'ok' `status` instead of failing the whole call.
 */
export function detect(series: Series, method: DetectionMethod): DetectionResult {
  const ps = prepareSeries(series);
  switch (method.method) {
    case 'earsC': {
      const settings = resolveEarsC(method, ps.n);
      return { settings, frequency: series.frequency, points: runEarsC(ps, settings) };
    }
    case 'farringtonFlexible': {
      const settings = resolveFarrington(method, ps);
      return { settings, frequency: series.frequency, points: runFarrington(ps, settings) };
    }
    case 'cusum': {
      const settings = resolveCusum(method, ps.n);
      return { settings, frequency: series.frequency, points: runCusum(ps, settings) };
    }
    default: {
      const unknown: never = method;
      throw new SurveillanceError('INVALID_SETTINGS', `Méthode inconnue : ${JSON.stringify(unknown)}.`);
    }
  }
}
