import { describe, expect, it } from 'vitest';
import { formatNumber } from '../../reports/html/htmlText.ts';

// How the reports write a number for people: grouped thousands, at most three decimals (fewer as the number
// grows), and an exponent only outside everyday sizes.

describe('formatNumber', () => {
  it.each([
    [0, '0'],
    [7, '7'],
    [1234567, '1,234,567'],
    [-2500, '-2,500'],
    [0.5, '0.5'],
    [0.12345, '0.123'],
    [3.14159, '3.14'],
    [2, '2'],
    [1.006, '1.01'],
    [99.999, '100'],
    [123.456, '123.5'],
    [45678.91, '45,678.9'],
    [0.0004, '4.00e-4'],
    [2.5e9, '2.50e+9'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('%s reads %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });
});
