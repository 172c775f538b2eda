// Flag bookkeeping for stored messages (RFC 3501 §2.3.2): system flags kept in canonical case, keywords
// kept as first given but compared case-insensitively; \Recent is session state and never stored.
import type { FlagMode } from './store-types.ts';

const SYSTEM_FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'];
const CANONICAL_SYSTEM_FLAG = new Map(SYSTEM_FLAGS.map((flag) => [flag.toLowerCase(), flag]));
const RECENT = '\\recent';

export const SEEN_FLAG = '\\Seen';
export const DELETED_FLAG = '\\Deleted';

/** The canonical spelling of a system flag (`\\seen` → `\\Seen`); undefined for keywords and \\Recent. */
export function canonicalSystemFlag(flag: string): string | undefined {
  return CANONICAL_SYSTEM_FLAG.get(flag.toLowerCase());
}

/** Canonical case for system flags; keywords unchanged; null for \Recent and empty strings. */
function canonicalFlag(flag: string): string | null {
  const lower = flag.toLowerCase();
  if (lower === RECENT || flag.length === 0) return null;
  return CANONICAL_SYSTEM_FLAG.get(lower) ?? flag;
}

/** Canonicalises and de-duplicates (case-insensitively, first spelling wins) a flag list. */
export function normalizeFlags(flags: readonly string[]): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const flag of flags) {
    const canonical = canonicalFlag(flag);
    if (canonical === null) continue;
    const key = canonical.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(canonical);
  }
  return result;
}

/** The flags a message has after a STORE of `requested` in `mode` (both lists already normalised). */
export function applyFlagMode(current: readonly string[], mode: FlagMode, requested: readonly string[]): string[] {
  if (mode === 'set') return [...requested];
  if (mode === 'add') return normalizeFlags([...current, ...requested]);
  const removed = new Set(requested.map((flag) => flag.toLowerCase()));
  return current.filter((flag) => !removed.has(flag.toLowerCase()));
}

/** Same set of flags, ignoring order and case. */
export function sameFlags(left: readonly string[], right: readonly string[]): boolean {
  if (left.length !== right.length) return false;
  const rightKeys = new Set(right.map((flag) => flag.toLowerCase()));
  return left.every((flag) => rightKeys.has(flag.toLowerCase()));
}

export function hasFlag(flags: readonly string[], flag: string): boolean {
  const key = flag.toLowerCase();
  return flags.some((candidate) => candidate.toLowerCase() === key);
}
