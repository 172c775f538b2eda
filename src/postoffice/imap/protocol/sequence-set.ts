// Sequence sets (RFC 3501 §9 `sequence-set`): `1:3,7,9:*`. `*` is the largest number in use, resolved
// against the mailbox; `n:m` may be written in either order. `$` alone (RFC 5182 §2.1 `seq-last-command`) names
// the saved search result: the set comes back with `saved` and no ranges, and the session resolves it.
import type { SequenceSet } from './protocol-types.ts';
import { ProtocolSyntaxError } from './protocol-syntax-error.ts';

const MAX_NUMBER = 0xffffffff;

function parseBound(text: string, whole: string): number | '*' {
  if (text === '*') return '*';
  if (!/^[1-9][0-9]{0,9}$/.test(text) || Number(text) > MAX_NUMBER) {
    throw new ProtocolSyntaxError(`invalid sequence set "${whole}": expected numbers 1..4294967295 or "*", got "${text}"`);
  }
  return Number(text);
}

export function parseSequenceSet(text: string): SequenceSet {
  if (text === '$') return { ranges: [], saved: true };
  if (text.includes('$')) throw new ProtocolSyntaxError(`invalid sequence set "${text}": "$" (the saved search result) must stand alone`);
  if (text === '') throw new ProtocolSyntaxError('missing sequence set');
  const ranges = text.split(',').map((element) => {
    const bounds = element.split(':');
    if (bounds.length > 2) throw new ProtocolSyntaxError(`invalid sequence set "${text}": "${element}" has more than one ":"`);
    const start = parseBound(bounds[0], text);
    return { start, end: bounds.length === 2 ? parseBound(bounds[1], text) : start };
  });
  return { ranges };
}

/** True when `text` looks like a sequence set (used to tell it apart from search keys). */
export function isSequenceSetText(text: string): boolean {
  return /^[0-9*:,]+$/.test(text);
}

function rangeBounds(range: SequenceSet['ranges'][number], max: number): [number, number] | undefined {
  if (max <= 0 && (range.start === '*' || range.end === '*')) return undefined;
  const start = range.start === '*' ? max : range.start;
  const end = range.end === '*' ? max : range.end;
  return start <= end ? [start, end] : [end, start];
}

/**
 * The members of `set` that are <= `max`, ascending and unique. For message sequence numbers `max` is
 * the message count; for UIDs it is the highest UID in use (callers then keep only UIDs that exist).
 * Numbers above `max` are dropped; use sequenceSetExceeds to reject them for sequence numbers.
 */
export function resolveSequenceSet(set: SequenceSet, max: number): number[] {
  const members = new Set<number>();
  for (const range of set.ranges) {
    const bounds = rangeBounds(range, max);
    if (!bounds) continue;
    for (let value = bounds[0]; value <= Math.min(bounds[1], max); value++) members.add(value);
  }
  return [...members].sort((left, right) => left - right);
}

export function sequenceSetContains(set: SequenceSet, value: number, max: number): boolean {
  return set.ranges.some((range) => {
    const bounds = rangeBounds(range, max);
    return bounds !== undefined && value >= bounds[0] && value <= bounds[1];
  });
}

/** True when a number in `set` lies above `max` (message sequence numbers beyond the count: BAD). */
export function sequenceSetExceeds(set: SequenceSet, max: number): boolean {
  return set.ranges.some((range) =>
    (range.start !== '*' && range.start > max) || (range.end !== '*' && range.end > max) || (max === 0 && (range.start === '*' || range.end === '*')));
}

/** The compact text form, e.g. for COPYUID/APPENDUID response codes: [1,2,3,7] -> "1:3,7". */
export function formatSequenceSet(values: number[]): string {
  const sorted = [...new Set(values)].sort((left, right) => left - right);
  const parts: string[] = [];
  for (let index = 0; index < sorted.length; index++) {
    const start = sorted[index];
    while (index + 1 < sorted.length && sorted[index + 1] === sorted[index] + 1) index++;
    parts.push(start === sorted[index] ? String(start) : `${start}:${sorted[index]}`);
  }
  return parts.join(',');
}
