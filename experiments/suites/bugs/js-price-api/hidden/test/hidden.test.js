'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { formatPrice } = require('../lib/money.js');
const { cartSummary } = require('../lib/cart.js');
const { invoiceLines } = require('../lib/invoice.js');

test('one object', () => assert.strictEqual(formatPrice({ amount: 1250, currency: 'EUR' }), '12.50 EUR'));
test('the old form throws a TypeError', () => assert.throws(() => formatPrice(1250, 'EUR'), TypeError));
test('cart follows', () => assert.strictEqual(cartSummary([{ price: 99 }], 'USD'), '1 items, total 0.99 USD'));
test('invoice follows', () => assert.deepStrictEqual(invoiceLines({ currency: 'EUR', lines: [{ description: 'A', amount: 100 }] }), ['A: 1.00 EUR']));
