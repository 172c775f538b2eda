'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { slugify } = require('../src/slug.js');

test('punctuation becomes one dash', () => assert.strictEqual(slugify('Hello, World!'), 'hello-world'));
test('accents are removed', () => assert.strictEqual(slugify('Crème brûlée'), 'creme-brulee'));
test('no dashes at the ends', () => assert.strictEqual(slugify('  -- spaced --  '), 'spaced'));
