'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { mean, median } = require('../src/stats.js');

test('mean of three values', () => assert.strictEqual(mean([1, 2, 6]), 3));
test('median of an odd count is the middle value', () => assert.strictEqual(median([5, 1, 3]), 3));
test('median of an even count is the mean of the middle two', () => assert.strictEqual(median([4, 1, 3, 2]), 2.5));
