// Values checked against R 4.2 (printed with sprintf("%.17g")) or exact closed forms.

import { describe, expect, it } from 'vitest';
import { lgamma, pnbinom, pnorm, ppois, pt, qnbinom, qnorm, qpois } from './distributions';

const close = (a: number, b: number, rel = 1e-13): void => {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(Math.abs(a), Math.abs(b)));
};

describe('normal', () => {
  it('qnorm matches R at the levels the methods use', () => {
    // the earsC reference files store R's qnorm(1 − alpha)
    close(qnorm(0.999), 3.090232306167813, 1e-15);
    close(qnorm(0.975), 1.9599639845400536, 1e-15);
    close(qnorm(0.95), 1.6448536269514722, 1e-15);
    close(qnorm(1e-10), -6.361340902404056, 1e-14);
    expect(qnorm(0.5)).toBe(0);
    expect(qnorm(0)).toBe(-Infinity);
    expect(qnorm(1)).toBe(Infinity);
  });
  it('pnorm and its upper tail', () => {
    close(pnorm(1.96), 0.97500210485177952);
    close(pnorm(-5), 2.8665157187919391e-7, 1e-12);
    close(pnorm(10, false), 7.6198530241604696e-24, 1e-12);
    close(pnorm(0), 0.5, 1e-15);
    for (const x of [-3, -0.3, 0.7, 2.5]) close(pnorm(qnorm(pnorm(x))), pnorm(x), 1e-14);
  });
});

describe('gamma, t, Poisson, negative binomial', () => {
  it('lgamma', () => {
    close(lgamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-14);
    close(lgamma(10), Math.log(362880), 1e-14);
    close(lgamma(100), 359.13420536957540, 1e-14);
    close(lgamma(1e-11), -Math.log(1e-11), 1e-10);
  });
  it('pt', () => {
    close(pt(2, 10), 0.96330598261462974, 1e-13);
    close(pt(0, 7), 0.5, 1e-15);
    // t with 1 df is Cauchy: P(T ≤ 1) = 3/4
    close(pt(1, 1), 0.75, 1e-14);
  });
  it('ppois / qpois follow R, including the upper tail', () => {
    close(ppois(3, 2.5), 0.75757613313306591);
    close(ppois(9, 2.5, false), 1 - ppois(9, 2.5), 1e-9);
    expect(qpois(0.95, 2.5)).toBe(5);
    expect(qpois(0.95, 1000)).toBe(1052);
    expect(qpois(0.95, 1e-11)).toBe(0);
    // left-continuity: the quantile of F(x) itself is x
    for (const x of [0, 1, 4, 12]) expect(qpois(ppois(x, 3.7), 3.7)).toBe(x);
  });
  it('pnbinom / qnbinom (size, prob) as R', () => {
    // P(X ≤ 3) for size 2, prob 0.4 = 0.16·(1 + 1.2 + 1.08 + 0.864)
    close(pnbinom(3, 2, 0.4), 0.66304, 1e-13);
    expect(qnbinom(0.95, 2, 0.4)).toBe(8);
    for (const x of [0, 2, 7, 20]) expect(qnbinom(pnbinom(x, 1.3, 0.35), 1.3, 0.35)).toBe(x);
    close(pnbinom(4, 1.3, 0.35, false) + pnbinom(4, 1.3, 0.35), 1, 1e-14);
  });
});
