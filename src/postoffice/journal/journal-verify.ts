// Verification of the audit journal (`mailswarm audit verify`): walks the entries in seq order and checks
// (1) the sequence has no gap, (2) each stored field is in canonical form and re-hashes to the stored entry
// hash, (3) each entry's previousHash is the hash of the entry before it (GENESIS_HASH for the first), and
// (4) where a journaled copy still exists in the mail store (same mailbox id and UIDVALIDITY, RFC 3501
// §2.3.1.1), its raw bytes still hash to the journaled SHA-256. Stops at the first broken entry and names it.
// After retention pruned the oldest entries, the chain starts at a later entry: that start is accepted only
// when a checkpoint entry inside the verified chain records exactly the pruned prefix (its last seq and the
// hash the first remaining entry links to), and no checkpoint claims an entry that is still there.
// Limitation (as in every hash chain): rewriting the LAST entries consistently is only caught against a
// head hash written down elsewhere; the report prints the head for that purpose.
import type { MailStoreApi } from '../store/store-types.ts';
import { canonicalJson, CHECKPOINT_DISPOSITION, entryHash, GENESIS_HASH, sha256Hex, type JournalCopy, type JournalEnvelope } from './journal-entry.ts';
import type { MessageJournal, StoredJournalRow } from './message-journal.ts';

export interface JournalFailure {
  seq: number;
  time: string;
  problem: string;
}

export interface JournalVerification {
  entriesChecked: number;
  copiesChecked: number;
  /** Journaled copies no longer in the store (deleted by their owner, or delivered before a crash). */
  copiesGone: number;
  head: { seq: number; hash: string };
  /** Set when retention pruned the oldest entries: the checkpoint entry that vouches for entries 1..seq. */
  prunedThrough: { seq: number; checkpointSeq: number; checkpointTime: string } | undefined;
  failure: JournalFailure | undefined;
}

export function verifyJournal(journal: MessageJournal, store: Pick<MailStoreApi, 'getMailboxById' | 'getRaw'> | undefined): JournalVerification {
  let previous: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH };
  let entriesChecked = 0;
  let copiesChecked = 0;
  let copiesGone = 0;
  /** The first remaining entry when entries were pruned, until a checkpoint vouches for the gap before it. */
  let unexplainedStart: { seq: number; time: string; previousHash: string } | undefined;
  let prunedThrough: JournalVerification['prunedThrough'];
  const result = (failure: JournalFailure | undefined): JournalVerification => ({ entriesChecked, copiesChecked, copiesGone, head: previous, prunedThrough, failure });

  for (const row of journal.rows()) {
    const fail = (problem: string) => result({ seq: row.seq, time: row.time, problem });
    if (entriesChecked === 0 && row.seq > 1) {
      // Pruned by retention, or removed by someone: a checkpoint further on must say which.
      unexplainedStart = { seq: row.seq, time: row.time, previousHash: row.previousHash };
      previous = { seq: row.seq - 1, hash: row.previousHash };
    }
    if (row.seq !== previous.seq + 1) {
      return result({ seq: previous.seq + 1, time: row.time, problem: `entry ${previous.seq + 1} is missing: entry ${previous.seq} is followed by entry ${row.seq}` });
    }
    const parsed = parseRow(row);
    if (typeof parsed === 'string') return fail(parsed);
    if (row.previousHash !== previous.hash) {
      return fail(`previousHash ${row.previousHash} differs from the hash of entry ${previous.seq} (${previous.hash}): entry ${previous.seq} or this link was altered`);
    }
    const computed = entryHash({ seq: row.seq, time: row.time, envelope: parsed.envelope, rawSha256: row.rawSha256, size: row.size, copies: parsed.copies, previousHash: row.previousHash });
    if (computed !== row.hash) {
      return fail(`entry hash differs: stored ${row.hash}, computed from the entry's fields ${computed} (a field of this entry was altered)`);
    }
    const checkpoint = parsed.envelope.disposition === CHECKPOINT_DISPOSITION ? parsed.envelope.checkpoint : undefined;
    if (checkpoint !== undefined) {
      const firstSeq = unexplainedStart?.seq ?? (prunedThrough === undefined ? 1 : prunedThrough.seq + 1);
      if (checkpoint.prunedThroughSeq >= firstSeq) {
        return fail(`checkpoint says entries up to ${checkpoint.prunedThroughSeq} were pruned, but entry ${firstSeq} is still here (entries were put back)`);
      }
      if (unexplainedStart !== undefined && checkpoint.prunedThroughSeq === unexplainedStart.seq - 1) {
        if (checkpoint.prunedThroughHash !== unexplainedStart.previousHash) {
          return fail(`checkpoint says entry ${checkpoint.prunedThroughSeq} had hash ${checkpoint.prunedThroughHash}, but entry ${unexplainedStart.seq} links to ${unexplainedStart.previousHash}`);
        }
        prunedThrough = { seq: checkpoint.prunedThroughSeq, checkpointSeq: row.seq, checkpointTime: row.time };
        unexplainedStart = undefined;
      }
    }
    if (store !== undefined) {
      for (const copy of parsed.copies) {
        const mailbox = store.getMailboxById(copy.mailboxId);
        const raw = mailbox !== undefined && mailbox.uidValidity === copy.uidValidity ? store.getRaw(copy.mailboxId, copy.uid) : undefined;
        if (raw === undefined) {
          copiesGone += 1;
          continue;
        }
        copiesChecked += 1;
        const actual = sha256Hex(raw);
        if (actual !== row.rawSha256 || raw.length !== row.size) {
          return fail(`stored message bytes of ${copy.account}/${copy.mailbox} uid ${copy.uid} differ from the journal: sha256 ${actual} (${raw.length} bytes), journaled ${row.rawSha256} (${row.size} bytes)`);
        }
      }
    }
    entriesChecked += 1;
    previous = { seq: row.seq, hash: row.hash };
  }
  if (unexplainedStart !== undefined) {
    const { seq, time } = unexplainedStart;
    return result({ seq, time, problem: `entries 1 to ${seq - 1} are missing and no checkpoint entry records their pruning (they were deleted)` });
  }
  return result(undefined);
}

function parseRow(row: StoredJournalRow): { envelope: JournalEnvelope; copies: JournalCopy[] } | string {
  let envelope: JournalEnvelope;
  let copies: JournalCopy[];
  try {
    envelope = JSON.parse(row.envelopeJson) as JournalEnvelope;
    copies = JSON.parse(row.copiesJson) as JournalCopy[];
  } catch (error) {
    return `the stored envelope or copies are not valid JSON (${(error as Error).message})`;
  }
  if (canonicalJson(envelope) !== row.envelopeJson) return 'the stored envelope is not in the canonical form it was hashed in (it was edited)';
  if (!Array.isArray(copies) || canonicalJson(copies) !== row.copiesJson) return 'the stored copies list is not in the canonical form it was hashed in (it was edited)';
  return { envelope, copies };
}
