'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { slugify } = require('../src/slug.js');

test('unicode keeps accented letters', () => assert.strictEqual(slugify('Crème brûlée', { unicode: true }), 'crème-brûlée'));
test('unicode keeps sharp s and digits', () => assert.strictEqual(slugify('Straße 5', { unicode: true }), 'straße-5'));
test('unicode still joins punctuation', () => assert.strictEqual(slugify('Ça va? Oui!', { unicode: true }), 'ça-va-oui'));
test('default removes accents', () => assert.strictEqual(slugify('Crème brûlée'), 'creme-brulee'));
test('default is ASCII', () => assert.strictEqual(slugify('Straße 5'), 'stra-e-5'));
