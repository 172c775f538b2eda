'use strict';

/** The arithmetic mean of a non-empty list of numbers. */
function mean(values) {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** The median of a non-empty list of numbers; the list is not changed. */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

module.exports = { mean, median };
