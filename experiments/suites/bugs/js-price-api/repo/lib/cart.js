'use strict';
const { formatPrice } = require('./money.js');

/** "3 items, total 12.50 EUR" for items of { price } in cents. */
function cartSummary(items, currency) {
  const total = items.reduce((sum, item) => sum + item.price, 0);
  return `${items.length} items, total ${formatPrice(total, currency)}`;
}

module.exports = { cartSummary };
