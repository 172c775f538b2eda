'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { median } = require('../src/stats.js');

test('even count', () => assert.strictEqual(median([10, 2, 8, 4]), 6));
test('numbers sort numerically', () => assert.strictEqual(median([10, 9, 100]), 10));
test('the input is not changed', () => {
  const values = [3, 1, 2, 4];
  median(values);
  assert.deepStrictEqual(values, [3, 1, 2, 4]);
});
test('one value', () => assert.strictEqual(median([7]), 7));
