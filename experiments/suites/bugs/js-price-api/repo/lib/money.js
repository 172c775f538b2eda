'use strict';

/** "12.50 EUR" for 1250 cents in EUR. */
function formatPrice(amount, currency) {
  return `${(amount / 100).toFixed(2)} ${currency}`;
}

module.exports = { formatPrice };
