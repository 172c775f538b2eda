import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mean, median } from '../src/stats.js';

test('mean of a few values', () => {
  assert.equal(mean([1, 2, 3, 4]), 2.5);
});

test('median of an odd number of values', () => {
  assert.equal(median([3, 1, 2]), 2);
});

test('median of an even number of values is the mean of the middle two', () => {
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

test('median sorts numerically, not as text', () => {
  assert.equal(median([10, 9, 100]), 10);
});

test('median leaves its input alone', () => {
  const values = [3, 1, 2];
  median(values);
  assert.deepEqual(values, [3, 1, 2]);
});

test('median of nothing is an error', () => {
  assert.throws(() => median([]), RangeError);
});
