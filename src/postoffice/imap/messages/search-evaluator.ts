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
import { foldedValuesMatcher, sentDayOf, textMatches, type HeaderField } from '../../mime/index.ts';
import { canonicalSystemFlag } from '../../store/message-flags.ts';
import type { ParsedMessage } from './message-cache.ts';

/** One message as the evaluator sees it. */
export interface SearchCandidate {
  seq: number;
  record: MessageRecord;
  /** \Recent for this session (asked only by RECENT, NEW and OLD). */
  isRecent(): boolean;
  /** Raw bytes and parse; only called by keys that need them. Undefined when the message vanished meanwhile. */
  content(): ParsedMessage | undefined;
  /** The top-level header fields alone (header and sent-date keys); undefined when the message vanished. */
  headers(): HeaderField[] | undefined;
  /** foldedFieldValues of field `lowerName`, as kept across SEARCHes; undefined when the message vanished. */
  foldedHeader(lowerName: string): readonly string[] | undefined;
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

/**
 * A test of one candidate against a SEARCH key, built once per SEARCH and run on every message; operands are
 * tried in the given order (see planSearch).
 */
export type SearchTest = (candidate: SearchCandidate) => boolean;

/**
 * `key` as a tree of closures with everything that does not depend on the message worked out once: lower-cased
 * flags and header names, folded needles, the scope's `*`. A SEARCH runs it on every message of the mailbox, and
 * interpreting the key per message (a switch and a toLowerCase per flag each time) was most of SEARCH's cost.
 */
export function compileSearch(key: SearchKey, scope: SearchScope): SearchTest {
  switch (key.kind) {
    case 'all':
      return () => true;
    case 'and': {
      const tests = key.keys.map((inner) => compileSearch(inner, scope));
      if (tests.length === 1) return tests[0]!;
      return (candidate) => {
        for (const test of tests) if (!test(candidate)) return false;
        return true;
      };
    }
    case 'or': {
      const left = compileSearch(key.left, scope);
      const right = compileSearch(key.right, scope);
      return (candidate) => left(candidate) || right(candidate);
    }
    case 'not': {
      const inner = compileSearch(key.key, scope);
      return (candidate) => !inner(candidate);
    }
    case 'sequence': {
      const set = key.set;
      // `$` means the same messages whether written as a sequence set or after UID (RFC 5182 §2.1).
      if (set.saved) return (candidate) => scope.savedUids?.has(candidate.record.uid) ?? false;
      return (candidate) => sequenceSetContains(set, candidate.seq, scope.maxSequence);
    }
    case 'uid': {
      const set = key.set;
      if (set.saved) return (candidate) => scope.savedUids?.has(candidate.record.uid) ?? false;
      return (candidate) => sequenceSetContains(set, candidate.record.uid, scope.maxUid);
    }
    case 'flag': {
      const wanted = key.set;
      if (key.flag.toLowerCase() === '\\recent') return (candidate) => candidate.isRecent() === wanted;
      return flagTest(key.flag, wanted);
    }
    case 'keyword':
      return flagTest(key.keyword, key.set);
    case 'size': {
      const size = key.size;
      return key.op === 'larger' ? (candidate) => candidate.record.size > size : (candidate) => candidate.record.size < size;
    }
    case 'modseq': {
      const modseq = key.modseq;
      return (candidate) => candidate.record.modseq >= modseq;
    }
    case 'date': {
      const { op, date } = key;
      if (key.which === 'internal') return (candidate) => compareDate(utcCalendarDate(candidate.record.internalDate), op, date);
      return (candidate) => compareDate(sentCalendarDate(candidate), op, date);
    }
    case 'header': {
      const matcher = foldedValuesMatcher(key.field, key.value);
      return (candidate) => {
        const values = candidate.foldedHeader(matcher.field);
        return values !== undefined && matcher.matches(values, () => candidate.headers());
      };
    }
    case 'text': {
      const { value, where } = key;
      return (candidate) => {
        const parsed = candidate.content();
        return parsed !== undefined && textMatches(parsed.raw, parsed.analysis.tree, value, where);
      };
    }
    default: {
      const unknown: never = key;
      throw new Error(`unhandled search key ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * Whether a message has `flag` (compared case-insensitively, RFC 3501 §2.3.2) as `wanted` says. The store keeps
 * system flags in their canonical spelling (message-flags.ts), so a system flag is one exact lookup; a keyword
 * keeps the spelling it was first given and is compared lower-cased when the exact spelling is not there.
 */
function flagTest(flag: string, wanted: boolean): SearchTest {
  const canonical = canonicalSystemFlag(flag);
  if (canonical !== undefined) return (candidate) => candidate.record.flags.includes(canonical) === wanted;
  const lower = flag.toLowerCase();
  const has = (flags: readonly string[]): boolean => {
    if (flags.length === 0) return false;
    if (flags.includes(flag)) return true;
    for (const stored of flags) if (stored.length === lower.length && stored.toLowerCase() === lower) return true;
    return false;
  };
  return (candidate) => has(candidate.record.flags) === wanted;
}
