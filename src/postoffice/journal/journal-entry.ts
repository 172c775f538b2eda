// One entry of the audit journal and its hash (the chain is tamper-evident: each entry commits to the one
// before it). entry hash = SHA-256 over the canonical serialisation of every other field, including the
// previous entry's hash, so changing any field of any entry breaks that entry's hash or the next link.
//
// Canonical serialisation: JSON of a fixed-order array ["mailswarm-journal-v1", seq, time, envelope,
// rawSha256, size, copies, previousHash], where objects have their keys sorted (recursively) and strings are
// JSON-escaped; so the same entry always serialises to the same bytes, on any machine and Node version.
import { createHash } from 'node:crypto';

export const JOURNAL_FORMAT = 'mailswarm-journal-v1';
/** previousHash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** Which door the message came through. 'internal': written by the post office itself (notices, releases). */
export type JournalPort = 'submission' | 'inbound' | 'internal';

export interface JournalEnvelope {
  /** MAIL FROM (lower case as given; '' for the null sender <>). */
  mailFrom: string;
  /** RCPT TO as given by the client (lists unexpanded). */
  recipients: string[];
  port: JournalPort;
  /** The SMTP AUTH account (submission), null on the inbound port. */
  authenticatedAs: string | null;
  /** What happened to it: delivered, captured, held, released, notice, ... or `checkpoint` (see below). */
  disposition: string;
  /** Only on a checkpoint entry: the entries before it that retention pruned. Absent (not hashed) otherwise. */
  checkpoint?: JournalCheckpoint;
}

/**
 * What a checkpoint entry vouches for (written by retention, message-journal.ts prune()): entries 1 to
 * `prunedThroughSeq` are gone, and the hash of the last of them was `prunedThroughHash`, which the first
 * remaining entry links to. Being itself an entry of the chain, a checkpoint cannot be altered or removed
 * without breaking the chain after it.
 */
export interface JournalCheckpoint {
  prunedThroughSeq: number;
  prunedThroughHash: string;
  /** Entries this pruning removed (earlier checkpoints account for the ones before). */
  prunedEntries: number;
  /** Entries accepted before this time (ISO 8601 UTC) were pruned. */
  cutoff: string;
}

export const CHECKPOINT_DISPOSITION = 'checkpoint';

/** Where a stored copy went: enough to find it again (mailbox id + UIDVALIDITY + uid, RFC 3501 §2.3.1.1). */
export interface JournalCopy {
  account: string;
  mailbox: string;
  mailboxId: number;
  uidValidity: number;
  uid: number;
}

export interface JournalEntryFields {
  seq: number;
  /** ISO 8601 UTC time of acceptance. */
  time: string;
  envelope: JournalEnvelope;
  /** SHA-256 (hex) of the stored raw message bytes. */
  rawSha256: string;
  size: number;
  copies: JournalCopy[];
  previousHash: string;
}

export interface JournalEntry extends JournalEntryFields {
  hash: string;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** JSON with object keys sorted at every level; arrays keep their order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('journal: non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((key) => record[key] !== undefined).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
}

export function canonicalSerialisation(fields: JournalEntryFields): string {
  return canonicalJson([JOURNAL_FORMAT, fields.seq, fields.time, fields.envelope, fields.rawSha256, fields.size, fields.copies, fields.previousHash]);
}

export function entryHash(fields: JournalEntryFields): string {
  return sha256Hex(canonicalSerialisation(fields));
}
