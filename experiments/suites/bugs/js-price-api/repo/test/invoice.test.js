'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { invoiceLines } = require('../lib/invoice.js');

test('invoice: one line per item', () =>
  assert.deepStrictEqual(invoiceLines({ currency: 'CHF', lines: [{ description: 'Tea', amount: 450 }] }), ['Tea: 4.50 CHF']));
