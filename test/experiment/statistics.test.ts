// The report's statistics against published values: Wilson intervals (Newcombe 1998, table I), Newcombe's
// hybrid score interval for a difference (Newcombe 1998b, example (a): 56/70 vs 48/80), the bootstrap's
// determinism, and the test-output parser the attribution reads.
import { describe, expect, it } from 'vitest';
import { bootstrapMean, bootstrapRatio, rateDifference, wilsonInterval } from '../../src/experiment/statistics.ts';
import { failingTests, parseTestOutput, passingTests } from '../../src/experiment/test-output.ts';

describe('statistics of the report', () => {
  it('Wilson score intervals match the published values, including 0 and n successes', () => {
    const interval = wilsonInterval(81, 263);
    expect(interval.low).toBeCloseTo(0.2553, 4);
    expect(interval.high).toBeCloseTo(0.3662, 4);
    expect(wilsonInterval(0, 10)).toMatchObject({ rate: 0, low: 0 });
    expect(wilsonInterval(0, 10).high).toBeCloseTo(0.2775, 4);
    expect(wilsonInterval(10, 10).low).toBeCloseTo(0.7225, 4);
    expect(wilsonInterval(0, 0)).toEqual({ successes: 0, trials: 0, rate: null, low: null, high: null });
  });

  it('the difference of two rates has Newcombe\'s hybrid score interval', () => {
    const difference = rateDifference(wilsonInterval(56, 70), wilsonInterval(48, 80))!;
    expect(difference.difference).toBeCloseTo(0.2, 6);
    expect(difference.low).toBeCloseTo(0.0524, 3);
    expect(difference.high).toBeCloseTo(0.3339, 3);
  });

  it('bootstrap intervals are the same every time and contain the estimate', () => {
    const values = [3, 8, 1, 9, 4, 4, 7, 2];
    const first = bootstrapMean(values);
    expect(bootstrapMean(values)).toEqual(first);
    expect(first.estimate).toBe(4.75);
    expect(first.low!).toBeLessThan(4.75);
    expect(first.high!).toBeGreaterThan(4.75);
    expect(bootstrapRatio([{ numerator: 10, denominator: 0 }])).toEqual({ estimate: null, low: null, high: null, n: 1 });
  });
});

describe('test output', () => {
  it('reads TAP, the starter suite\'s reporters and unittest\'s verbose lines', () => {
    const tap = parseTestOutput('TAP version 13\nok 1 - adds\nnot ok 2 - breaks\n  ---\n  duration_ms: 0.5\n  ...\nok 3 - skipped one # SKIP no network\n1..3\n', false);
    expect(passingTests(tap)).toEqual(['adds']);
    expect(failingTests(tap)).toEqual(['breaks']);
    const lines = parseTestOutput('ok - mean\nnot ok - median\n# Expected values to be strictly equal:\n', false);
    expect([...lines.tests]).toEqual([['mean', 'pass'], ['median', 'fail']]);
    const unittest = parseTestOutput('test_a (tests.test_x.T.test_a) ... ok\ntest_b (tests.test_x.T.test_b) ... FAIL\n\nRan 2 tests in 0.001s\n', false);
    expect([...unittest.tests]).toEqual([['tests.test_x.T.test_a', 'pass'], ['tests.test_x.T.test_b', 'fail']]);
  });

  it('a command whose output names no test, or that fails with every named test passing, counts as one test "suite"', () => {
    expect([...parseTestOutput('all good', true).tests]).toEqual([['suite', 'pass']]);
    expect([...parseTestOutput('SyntaxError: Unexpected token', false).tests]).toEqual([['suite', 'fail']]);
    expect(failingTests(parseTestOutput('ok - a\nSegmentation fault', false))).toEqual(['suite']);
  });
});
