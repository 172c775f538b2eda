// Decides whether one message matches a SEARCH key (RFC 3501 §6.4.4, RFC 7162 §3.1.5 MODSEQ). Pure and lazy:
// flag, UID, sequence, size, internal-date and modseq keys read only store metadata; header, text and sent-date
// keys load the message bytes, and planSearch puts the cheap operands of AND/OR first so most messages are
// decided without touching raw bytes.
//
// Dates: RFC 3501 compares "disregarding time and timezone". The server's timezone is UTC by definition here:
// BEFORE/ON/SINCE compare the UTC calendar date of INTERNALDATE. SENTBEFORE/SENTON/SENTSINCE compare the calendar
// date written in the Date header (its own zone, as the RFC asks); a message without a usable Date header falls
// back to the UTC date of its INTERNALDATE, as Dovecot does.
import type { SearchKey } from '../protocol/protocol-types.ts';
import { sequenceSetContains } from '../protocol/argument-parsers.ts';
import type { MessageRecord } from '../../store/store-types.ts';
import { headerFieldsMatch, sentDayOf, textMatches, type HeaderField } from '../../mime/index.ts';
import type { ParsedMessage } from './message-cache.ts';

/** One message as the evaluator sees it. */
export interface SearchCandidate {
  seq: number;
  record: MessageRecord;
  /** \Recent for this session. */
  recent: boolean;
  /** Raw bytes and parse; only called by keys that need them. Undefined when the message vanished meanwhile. */
  content(): ParsedMessage | undefined;
  /** The top-level header fields alone (header and sent-date keys); undefined when the message vanished. */
  headers(): HeaderField[] | undefined;
}

/** What `*` means in the search's sequence and UID sets. */
export interface SearchScope {
  /** Highest sequence number (the session's EXISTS count). */
  maxSequence: number;
  /** Highest UID in the session's view. */
  maxUid: number;
  /** The saved search result `$` (RFC 5182), as uids; empty when nothing was saved. */
  savedUids?: ReadonlySet<number>;
}

/** Relative cost of a key: 0 metadata only, 1 header bytes, 2 body bytes. */
export function searchKeyCost(key: SearchKey): number {
  switch (key.kind) {
    case 'header':
      return 1;
    case 'date':
      return key.which === 'sent' ? 1 : 0;
    case 'text':
      return 2;
    case 'and':
      return Math.max(0, ...key.keys.map(searchKeyCost));
    case 'or':
      return Math.max(searchKeyCost(key.left), searchKeyCost(key.right));
    case 'not':
      return searchKeyCost(key.key);
    default:
      return 0;
  }
}

/** True when any part of the key asks about mod-sequences (the response then carries `(MODSEQ n)`). */
export function usesModseq(key: SearchKey): boolean {
  switch (key.kind) {
    case 'modseq':
      return true;
    case 'and':
      return key.keys.some(usesModseq);
    case 'or':
      return usesModseq(key.left) || usesModseq(key.right);
    case 'not':
      return usesModseq(key.key);
    default:
      return false;
  }
}

/** Calendar date `YYYY-MM-DD` of an instant in the server's timezone (UTC). */
export function utcCalendarDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function compareDate(actual: string, op: 'before' | 'on' | 'since', wanted: string): boolean {
  if (op === 'before') return actual < wanted;
  if (op === 'on') return actual === wanted;
  return actual >= wanted;
}

// Flags are a small vocabulary (system flags and a few keywords): their lower-case forms are looked up, not
// recomputed for every message of every SEARCH.
const lowerCased = new Map<string, string>();

function lowerCase(flag: string): string {
  let lower = lowerCased.get(flag);
  if (lower === undefined) {
    if (lowerCased.size >= 10_000) lowerCased.clear();
    lower = flag.toLowerCase();
    lowerCased.set(flag, lower);
  }
  return lower;
}

/** Flags compare case-insensitively (RFC 3501 §2.3.2); an exact match, the common case, is tried first. */
function hasFlag(flags: readonly string[], wanted: string): boolean {
  if (flags.length === 0) return false;
  if (flags.includes(wanted)) return true;
  const key = lowerCase(wanted);
  for (const flag of flags) if (flag.length === wanted.length && lowerCase(flag) === key) return true;
  return false;
}

function sentCalendarDate(candidate: SearchCandidate): string {
  const headers = candidate.headers();
  const written = headers === undefined ? null : sentDayOf(headers);
  return written ?? utcCalendarDate(candidate.record.internalDate);
}

/**
 * The same criteria with the cheap operands first (AND and OR are commutative): a failing flag test then spares
 * the header scan. Done once per SEARCH, not per message.
 */
export function planSearch(key: SearchKey): SearchKey {
  switch (key.kind) {
    case 'and':
      return { kind: 'and', keys: key.keys.map(planSearch).sort((left, right) => searchKeyCost(left) - searchKeyCost(right)) };
    case 'or': {
      const left = planSearch(key.left);
      const right = planSearch(key.right);
      return searchKeyCost(right) < searchKeyCost(left) ? { kind: 'or', left: right, right: left } : { kind: 'or', left, right };
    }
    case 'not':
      return { kind: 'not', key: planSearch(key.key) };
    default:
      return key;
  }
}

/** True when the candidate matches `key`; operands are tried in the given order (see planSearch). */
export function matchesSearch(key: SearchKey, candidate: SearchCandidate, scope: SearchScope): boolean {
  switch (key.kind) {
    case 'all':
      return true;
    case 'and':
      return key.keys.every((inner) => matchesSearch(inner, candidate, scope));
    case 'or':
      return matchesSearch(key.left, candidate, scope) || matchesSearch(key.right, candidate, scope);
    case 'not':
      return !matchesSearch(key.key, candidate, scope);
    case 'sequence':
      // `$` means the same messages whether written as a sequence set or after UID (RFC 5182 §2.1).
      if (key.set.saved) return scope.savedUids?.has(candidate.record.uid) ?? false;
      return sequenceSetContains(key.set, candidate.seq, scope.maxSequence);
    case 'uid':
      if (key.set.saved) return scope.savedUids?.has(candidate.record.uid) ?? false;
      return sequenceSetContains(key.set, candidate.record.uid, scope.maxUid);
    case 'flag': {
      const present = key.flag.toLowerCase() === '\\recent' ? candidate.recent : hasFlag(candidate.record.flags, key.flag);
      return present === key.set;
    }
    case 'keyword':
      return hasFlag(candidate.record.flags, key.keyword) === key.set;
    case 'size':
      return key.op === 'larger' ? candidate.record.size > key.size : candidate.record.size < key.size;
    case 'modseq':
      return candidate.record.modseq >= key.modseq;
    case 'date': {
      const actual = key.which === 'internal' ? utcCalendarDate(candidate.record.internalDate) : sentCalendarDate(candidate);
      return compareDate(actual, key.op, key.date);
    }
    case 'header': {
      const headers = candidate.headers();
      return headers !== undefined && headerFieldsMatch(headers, key.field, key.value);
    }
    case 'text': {
      const parsed = candidate.content();
      return parsed !== undefined && textMatches(parsed.raw, parsed.analysis.tree, key.value, key.where);
    }
    default: {
      const unknown: never = key;
      throw new Error(`unhandled search key ${JSON.stringify(unknown)}`);
    }
  }
}
