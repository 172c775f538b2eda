'use strict';

/** A URL-friendly slug of a title: ASCII letters and digits joined by single dashes, accents removed. */
function slugify(title) {
  const plain = title.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  return plain.toLowerCase().trim().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

module.exports = { slugify };
