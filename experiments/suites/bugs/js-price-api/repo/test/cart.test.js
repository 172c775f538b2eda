'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { cartSummary } = require('../lib/cart.js');

test('cart: summary with total', () => assert.strictEqual(cartSummary([{ price: 250 }, { price: 1000 }], 'EUR'), '2 items, total 12.50 EUR'));
