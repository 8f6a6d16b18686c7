// `npm run bench:surveillance`: the three timings the issue measured with R surveillance 1.20.3
// on a 2-core machine, plus the department-to-country scaling figure. Fixed seeds and fixed data
// (the synth_daily_seasonal_outbreak reference series), so runs can be compared.
// Each figure is the median of 5 timed runs after one untimed warm-up run (JIT compilation);
// the first, cold run is printed as a comment line for the "once every morning" case.
//
// BENCH_SKIP_35K=1 replaces the 35,000 series by 250 for a quick run while developing.
//
// R 1.20.3 reference figures (issue 4): farrington_seasonal_717d 10.7 s,
// noufaily_250_last_day 4.6 s, earsC_250_365d 7.7 s.

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { detect, presets, type FarringtonFlexibleSettings, type Series } from '../src/surveillance/index';
import { dailyDates, Rng } from './lib/random';

const N_DAYS = 1826;
const dates = dailyDates('2017-01-01', N_DAYS);

function communeSeries(count: number, seed: number): Series[] {
  const rng = new Rng(seed);
  const out: Series[] = [];
  for (let s = 0; s < count; s++) {
    const counts = new Array<number>(N_DAYS);
    for (let t = 0; t < N_DAYS; t++) counts[t] = rng.poisson(0.3);
    out.push({ counts, frequency: 365, dates });
  }
  return out;
}

const noufaily = (range?: { from: number; to: number }): FarringtonFlexibleSettings =>
  presets.noufaily2013({
    b: 3,
    w: 3,
    alpha: 0.05,
    weightsThreshold: 2.58,
    pastWeeksNotIncluded: 26,
    pThresholdTrend: 1,
    thresholdMethod: 'nbPlugin',
    noPeriods: 10,
    ...(range === undefined ? {} : { range }),
  });

function time(run: () => number, repeats = 5): { cold: number; median: number; check: number } {
  let t0 = performance.now();
  const check = run();
  const cold = (performance.now() - t0) / 1000;
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    t0 = performance.now();
    run();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return { cold, median: times[Math.floor(times.length / 2)], check };
}

function report(name: string, r: { cold: number; median: number; check: number }, rSeconds?: number): void {
  console.log(`${name}: ${r.median.toFixed(4)} s`);
  const speed = rSeconds === undefined ? '' : `, R ${rSeconds} s, ×${Math.round(rSeconds / r.median)} faster`;
  console.log(`#   cold first run ${r.cold.toFixed(4)} s${speed}, ${r.check} alarms`);
}

// (a) Noufaily over the 717 monitored days of synth_daily_seasonal_outbreak
const ref = JSON.parse(
  readFileSync(new URL('../tests/fixtures/surveillance/cases/synth_daily_seasonal_outbreak__farringtonFlexible_noufaily_nbPlugin.json', import.meta.url), 'utf8'),
) as { series: { observed: (number | null)[]; date: string[] }; control: { range: { from: number; to: number } } };
const seasonal: Series = { counts: ref.series.observed, frequency: 365, dates: ref.series.date };
const rangeA = { from: ref.control.range.from - 1, to: ref.control.range.to - 1 };
report(
  'farrington_seasonal_717d',
  time(() => detect(seasonal, noufaily(rangeA)).points.filter((p) => p.alarm === true).length),
  10.7,
);

// (b) 250 commune-sized series (Poisson 0.3/day, 5 years), last day of each
const communes = communeSeries(250, 20240601);
const lastDay = { from: N_DAYS - 1, to: N_DAYS - 1 };
const runLastDay = (list: Series[]) => (): number => {
  let alarms = 0;
  for (const s of list) if (detect(s, noufaily(lastDay)).points[0].alarm === true) alarms++;
  return alarms;
};
report('noufaily_250_last_day', time(runLastDay(communes)), 4.6);

// (c) earsC C1 + C2 + C3 over the last 365 days of the same 250 series
const last365 = { from: N_DAYS - 365, to: N_DAYS - 1 };
report(
  'earsC_250_365d',
  time(() => {
    let alarms = 0;
    for (const s of communes) {
      for (const variant of ['C1', 'C2', 'C3'] as const) {
        for (const p of detect(s, { method: 'earsC', variant, range: last365 }).points) if (p.alarm === true) alarms++;
      }
    }
    return alarms;
  }),
  7.7,
);

// (d) (b) for 35,000 series, every French commune: linear scaling check
const france = communeSeries(process.env.BENCH_SKIP_35K ? 250 : 35000, 20240602);
const d = time(runLastDay(france), 1);
report('noufaily_35000_last_day', d);
console.log(`#   per series: ${((d.median / 35000) * 1e6).toFixed(1)} µs (250-series run: ${((time(runLastDay(communes), 3).median / 250) * 1e6).toFixed(1)} µs)`);
