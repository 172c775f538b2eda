// The order of SORT (RFC 5256 §3) with the DISPLAYFROM/DISPLAYTO keys of RFC 5957. Each message's sort values are
// computed once per command: ARRIVAL (INTERNALDATE), DATE (the Date header's instant, else INTERNALDATE, §2.2), SIZE,
// SUBJECT (the base subject, §2.1), FROM/TO/CC (addr-mailbox of the first address) and DISPLAYFROM/DISPLAYTO (the
// decoded display name, else mailbox@host, else mailbox; RFC 5957 §3). Strings compare with i;unicode-casemap
// (RFC 5256 §7, collation.ts); an
// absent header is the empty string, which sorts first. Ties go to mailbox order (the implicit last criterion),
// which REVERSE does not touch.
import type { SortCriterion, SortKeyName } from '../protocol/sort-arguments.ts';
import type { MessageRecord } from '../../store/store-types.ts';
import { decodeEncodedWords, sentDate, type MimePart } from '../../mime/index.ts';
import { parseAddressList } from '../../mime/address-list.ts';
import { findField } from '../../mime/header-fields.ts';
import { baseSubject } from './base-subject.ts';
import { compareCodePoints, unicodeCasemap } from './collation.ts';
import type { ParsedMessage } from './message-cache.ts';

/** One message to sort: mailbox position, metadata and lazily loaded content. */
export interface SortSubject {
  /** Mailbox order (the uid: sequence numbers follow uids). */
  uid: number;
  record: MessageRecord;
  content(): ParsedMessage | undefined;
}

type SortValue = number | string;

const ADDRESS_HEADERS: Partial<Record<SortKeyName, string>> = { FROM: 'From', TO: 'To', CC: 'Cc', DISPLAYFROM: 'From', DISPLAYTO: 'To' };

/** The first item of an address header as ENVELOPE lists it: a group's start counts as an address (RFC 5957 §4). */
function firstAddress(tree: MimePart, header: string): { name: string | null; mailbox: string | null; host: string | null } | undefined {
  const field = findField(tree.headers, header);
  if (field === undefined) return undefined;
  const first = parseAddressList(field.value)[0];
  if (first === undefined) return undefined;
  if (first.kind === 'mailbox') return { name: first.name, mailbox: first.mailbox, host: first.host };
  if (first.kind === 'group-start') return { name: null, mailbox: first.name, host: null };
  return { name: null, mailbox: null, host: null };
}

/** RFC 5957 §3: decoded addr-name if not empty, else addr-mailbox@addr-host, else addr-mailbox, else empty. */
function displayValue(address: ReturnType<typeof firstAddress>): string {
  if (address === undefined) return '';
  const name = address.name === null ? '' : decodeEncodedWords(address.name);
  if (name !== '') return name;
  if (address.mailbox !== null && address.host !== null) return `${address.mailbox}@${address.host}`;
  return address.mailbox ?? '';
}

/** The value one key sorts a message by. */
export function sortValue(subject: SortSubject, key: SortKeyName): SortValue {
  const { record } = subject;
  switch (key) {
    case 'ARRIVAL':
      // Whole seconds, as INTERNALDATE shows it: messages the client sees as simultaneous stay in mailbox order.
      return Math.floor(record.internalDate.getTime() / 1000);
    case 'SIZE':
      return record.size;
    case 'DATE': {
      const parsed = subject.content();
      const sent = parsed === undefined ? null : sentDate(parsed.analysis.tree, parsed.raw);
      return Math.floor((sent ?? record.internalDate).getTime() / 1000);
    }
    case 'SUBJECT': {
      const parsed = subject.content();
      return parsed === undefined ? '' : baseSubject(findField(parsed.analysis.tree.headers, 'Subject')?.value).text;
    }
    default: {
      const parsed = subject.content();
      if (parsed === undefined) return '';
      const address = firstAddress(parsed.analysis.tree, ADDRESS_HEADERS[key]!);
      if (key === 'DISPLAYFROM' || key === 'DISPLAYTO') return unicodeCasemap(displayValue(address));
      return unicodeCasemap(address?.mailbox ?? '');
    }
  }
}

function compareValues(left: SortValue, right: SortValue): number {
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  return compareCodePoints(String(left), String(right));
}

/** A message with the values of the criteria, computed once. */
export interface SortEntry {
  uid: number;
  values: SortValue[];
}

export function sortEntry(subject: SortSubject, criteria: readonly SortCriterion[]): SortEntry {
  return { uid: subject.uid, values: criteria.map((criterion) => sortValue(subject, criterion.key)) };
}

/** Negative when `left` sorts first: criteria in priority order, then mailbox order. */
export function compareSortEntries(criteria: readonly SortCriterion[], left: SortEntry, right: SortEntry): number {
  for (let index = 0; index < criteria.length; index++) {
    const difference = compareValues(left.values[index]!, right.values[index]!);
    if (difference !== 0) return criteria[index]!.reverse ? -difference : difference;
  }
  return left.uid - right.uid;
}

/** The subjects in SORT order. */
export function sortSubjects(subjects: readonly SortSubject[], criteria: readonly SortCriterion[]): SortEntry[] {
  const entries = subjects.map((subject) => sortEntry(subject, criteria));
  return entries.sort((left, right) => compareSortEntries(criteria, left, right));
}
