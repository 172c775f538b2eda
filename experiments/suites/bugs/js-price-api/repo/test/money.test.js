'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { formatPrice } = require('../lib/money.js');

test('money: cents become units with two decimals', () => assert.strictEqual(formatPrice(1250, 'EUR'), '12.50 EUR'));
