import { describe, expect, it } from 'vitest';
import {
  chiSquareCdf,
  chiSquareCritical,
  chiSquareSurvival,
  noncentralChiSquareCdf,
} from '../../../probes/stats/chiSquare.ts';

// Reference values from scipy.stats.chi2 and scipy.stats.ncx2.
describe('central chi-square', () => {
  it('matches reference values', () => {
    expect(chiSquareSurvival(4, 1)).toBeCloseTo(0.04550026389635857, 9);
    expect(chiSquareCdf(7.814727903251178, 3)).toBeCloseTo(0.95, 8);
    expect(chiSquareSurvival(0, 2)).toBe(1);
  });

  it('gives critical values', () => {
    expect(chiSquareCritical(0.05, 1)).toBeCloseTo(3.8414588206941285, 8);
    expect(chiSquareCritical(1e-4, 1)).toBeCloseTo(15.136705226623397, 6);
    expect(chiSquareCritical(1e-3, 3)).toBeCloseTo(16.26623619623813, 6);
  });

  it('rejects nonsense degrees of freedom and alpha', () => {
    expect(() => chiSquareCdf(1, 0)).toThrow(RangeError);
    expect(() => chiSquareCdf(1, 1.5)).toThrow(RangeError);
    expect(() => chiSquareCritical(0, 1)).toThrow(RangeError);
  });
});

describe('noncentral chi-square (Poisson mixture)', () => {
  it('matches reference values', () => {
    expect(noncentralChiSquareCdf(10, 3, 5)).toBeCloseTo(0.7066486477774525, 8);
    expect(noncentralChiSquareCdf(3, 2, 1)).toBeCloseTo(0.6206436532195437, 8);
    expect(noncentralChiSquareCdf(50, 4, 30)).toBeCloseTo(0.9118979389103814, 8);
    expect(noncentralChiSquareCdf(200, 5, 150.5)).toBeCloseTo(0.9575054061962117, 8);
    expect(1 - noncentralChiSquareCdf(15.1367, 1, 38.72)).toBeCloseTo(0.9901482986456575, 8);
  });

  it('reduces to the central distribution at lambda 0', () => {
    expect(noncentralChiSquareCdf(4, 1, 0)).toBeCloseTo(chiSquareCdf(4, 1), 14);
  });
});
