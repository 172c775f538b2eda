// Matching helpers for RFC 3501 §6.4.4 SEARCH: HEADER/FROM/SUBJECT/... (decoded header values), BODY and TEXT
// (decoded text parts), and SENT* (the Date header). Matching is a case-insensitive substring test; address
// headers are also matched in their normalized form (address-search-text.ts).

import { addressSearchText, isAddressField } from './address-search-text.ts';
import { decodeCharset } from './charset-decode.ts';
import { decodeEncodedWords } from './encoded-words.ts';
import { findFields, isFieldNamed, type HeaderField } from './header-fields.ts';
import type { MimePart } from './mime-tree.ts';
import { decodeTransferEncoding } from './transfer-decoding.ts';

function fold(text: string): string {
  return text.toLowerCase();
}

// Parsed messages stay in the IMAP parse and header caches, so repeated SEARCHes see the same field objects:
// their decoded, folded address lists are kept beside them rather than parsed again for every message.
const foldedAddressValues = new WeakMap<HeaderField, string>();

function foldedAddressValue(field: HeaderField): string {
  let folded = foldedAddressValues.get(field);
  if (folded === undefined) {
    folded = fold(addressSearchText(field.value));
    foldedAddressValues.set(field, folded);
  }
  return folded;
}

/**
 * The values of the fields named `lowerName` (lower case), RFC 2047-decoded and case-folded, in order; [] when
 * there is none. This is what SEARCH's header keys compare; the IMAP header cache keeps them per mailbox and field.
 */
export function foldedFieldValues(headers: readonly HeaderField[], lowerName: string): string[] {
  const values: string[] = [];
  for (const field of headers) if (isFieldNamed(field.name, lowerName)) values.push(fold(decodeEncodedWords(field.value)));
  return values;
}

/** True when header `fieldName` exists and its RFC 2047-decoded value contains `needle` (an empty needle only
 *  requires the field to exist, RFC 3501 §6.4.4 HEADER). An address header (FROM, TO, CC, BCC...) also matches
 *  when its parsed, normalized address list contains the needle (address-search-text.ts): the text as written
 *  is tried first, so `Carol Jones <carol@x>` is found as typed and `<carol (work) @ x>` by its address. */
export function headerMatches(_raw: Buffer, tree: MimePart, fieldName: string, needle: string): boolean {
  return headerFieldMatcher(fieldName, needle)(tree.headers);
}

/** headerMatches on a header block's fields, with the field name and needle prepared once. */
export function headerFieldMatcher(fieldName: string, needle: string): (headers: HeaderField[]) => boolean {
  const matcher = foldedValuesMatcher(fieldName, needle);
  return (headers) => matcher.matches(foldedFieldValues(headers, matcher.field), () => headers);
}

/** A SEARCH header key prepared once: `field` lower-cased, and the test on that field's folded values. */
export interface FoldedValuesMatcher {
  field: string;
  /** `headers` is asked only for an address field whose values as written did not match (the parsed-address pass). */
  matches(values: readonly string[], headers: () => readonly HeaderField[] | undefined): boolean;
}

/** headerFieldMatcher on values already decoded and folded (foldedFieldValues, kept by the IMAP header cache). */
export function foldedValuesMatcher(fieldName: string, needle: string): FoldedValuesMatcher {
  const field = fieldName.toLowerCase();
  const wanted = fold(needle);
  const addresses = isAddressField(fieldName);
  return {
    field,
    matches: (values, headers) => {
      if (values.length === 0) return false;
      if (wanted.length === 0) return true;
      for (const value of values) if (value.includes(wanted)) return true;
      if (!addresses) return false;
      for (const candidate of headers() ?? []) if (isFieldNamed(candidate.name, field) && foldedAddressValue(candidate).includes(wanted)) return true;
      return false;
    },
  };
}

function headerText(headers: HeaderField[]): string {
  return headers.map((field) => `${field.name}: ${decodeEncodedWords(field.value)}`).join('\n');
}

/** Decoded text of every text/* part under `part` (charset and transfer encoding undone), and of embedded messages'
 *  headers; non-text parts (images, archives) are not searched. */
function collectText(raw: Buffer, part: MimePart, out: string[]): void {
  if (part.contentType.type === 'multipart') {
    for (const child of part.children) collectText(raw, child, out);
    return;
  }
  if (part.embedded) {
    out.push(headerText(part.embedded.headers));
    collectText(raw, part.embedded, out);
    return;
  }
  if (part.contentType.type !== 'text') return;
  const bytes = decodeTransferEncoding(raw.subarray(part.body.start, part.body.end), part.transferEncoding);
  out.push(decodeCharset(bytes, part.contentType.params['charset']));
}

/** BODY: needle in the decoded body text; TEXT: in the decoded header or body text. */
export function textMatches(raw: Buffer, tree: MimePart, needle: string, where: 'BODY' | 'TEXT'): boolean {
  if (needle.length === 0) return true;
  const texts: string[] = where === 'TEXT' ? [headerText(tree.headers)] : [];
  collectText(raw, tree, texts);
  const wanted = fold(needle);
  return texts.some((text) => fold(text).includes(wanted));
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** The Date header (RFC 5322 §3.3) as an instant, or null when absent or unparseable. */
export function sentDate(tree: MimePart, _raw: Buffer): Date | null {
  return sentDateOf(tree.headers);
}

function sentDateOf(headers: HeaderField[]): Date | null {
  const field = findFields(headers, 'Date')[0];
  if (!field) return null;
  const cleaned = field.value.replace(/\([^()]*\)/g, ' ').replace(/\s+/g, ' ').trim();
  const instant = new Date(cleaned);
  return Number.isNaN(instant.getTime()) ? null : instant;
}

/** The calendar day of the Date header as written, `YYYY-MM-DD`, ignoring time and zone as RFC 3501 §6.4.4
 *  SENTBEFORE/SENTON/SENTSINCE require; falls back to the UTC day of `sentDate`; null without a usable date. */
export function sentDay(tree: MimePart, _raw: Buffer): string | null {
  return sentDayOf(tree.headers);
}

/** sentDay on a header block's fields. */
export function sentDayOf(headers: HeaderField[]): string | null {
  const field = findFields(headers, 'Date')[0];
  if (!field) return null;
  const match = /(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{2,4})/.exec(field.value);
  const month = match ? MONTHS.indexOf(match[2]!.toLowerCase()) : -1;
  if (match && month !== -1) {
    let year = Number(match[3]);
    if (match[3]!.length === 2) year += year < 50 ? 2000 : 1900; // RFC 5322 §4.3 obsolete two-digit year
    else if (match[3]!.length === 3) year += 1900;
    return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${match[1]!.padStart(2, '0')}`;
  }
  const instant = sentDateOf(headers);
  return instant ? instant.toISOString().slice(0, 10) : null;
}
