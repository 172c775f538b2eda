'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { clamp } = require('../src/range.js');

test('inside', () => assert.strictEqual(clamp(2.5, -1, 3), 2.5));
test('bounds', () => assert.deepStrictEqual([clamp(-9, -1, 3), clamp(9, -1, 3)], [-1, 3]));
test('min above max throws a RangeError', () => assert.throws(() => clamp(1, 5, 2), RangeError));
test('min equal to max', () => assert.strictEqual(clamp(8, 4, 4), 4));
