'use strict';
const { formatPrice } = require('./money.js');

/** One text line per invoice line: "<description>: <price>". */
function invoiceLines(invoice) {
  return invoice.lines.map((line) => `${line.description}: ${formatPrice(line.amount, invoice.currency)}`);
}

module.exports = { invoiceLines };
