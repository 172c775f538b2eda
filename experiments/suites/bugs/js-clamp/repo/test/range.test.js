'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { clamp } = require('../src/range.js');

test('a value inside the range is kept', () => assert.strictEqual(clamp(5, 0, 10), 5));
test('below the range gives min', () => assert.strictEqual(clamp(-1, 0, 10), 0));
test('above the range gives max', () => assert.strictEqual(clamp(11, 0, 10), 10));
