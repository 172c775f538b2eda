// A session's view of its selected mailbox (RFC 3501 §2.3.1.2 message sequence numbers, §7.4 unilateral
// responses, §7.4.1 EXPUNGE timing; RFC 7162 §3.2.4 MODSEQ in unsolicited FETCH). The view is what the
// client has been told: store events for the mailbox are queued here and only change sequence numbers when
// they are flushed as `* n EXISTS` / `* n RECENT` / `* n FETCH` / `* n EXPUNGE` (or `* VANISHED uids` once
// QRESYNC is enabled, RFC 7162 §3.2.10.2). It also tracks the keywords the client was told of: a FETCH naming
// a new keyword is preceded by `* FLAGS` and `* OK [PERMANENTFLAGS]` (RFC 3501 §7.2.6, §7.4.2), whichever
// session set it; and the highest MODSEQ the client's view covers, which is what HIGHESTMODSEQ may claim:
// never past an expunge that is still held back (RFC 7162 §3.2).
import { formatSequenceSet } from '../protocol/sequence-set.ts';
import { untagged } from '../protocol/response-writer.ts';
import type { ImapValue, SequenceSet } from '../protocol/protocol-types.ts';
import type { MailboxChange, MailStoreApi } from '../../store/store-types.ts';
import { mailboxFlagsResponses } from './mailbox-flags.ts';
import { binarySearch, lowerBound, resolveSequenceSet } from './resolve-sequence-set.ts';
import { ViewModseq } from './view-modseq.ts';

export interface SelectedMailboxOptions {
  store: MailStoreApi;
  mailboxId: number;
  /** EXAMINE, or a mailbox the user may not change. */
  readOnly: boolean;
  /** The session's origin object: its own flag changes are not echoed. */
  origin: object;
}

export interface FlushOptions {
  /** False while a FETCH/STORE/SEARCH without UID runs or just ran (RFC 3501 §7.4.1). */
  allowExpunge: boolean;
  /** Adds `MODSEQ (n)` to unsolicited FETCH responses (RFC 7162 §3.2.4). */
  condstore: boolean;
  /** QRESYNC is enabled: one `* VANISHED uids` instead of `* n EXPUNGE` responses (RFC 7162 §3.2.10.2). */
  vanished?: boolean;
}

/**
 * Told of the view's changes as they are written: the RFC 5267 update contexts (messages/search-contexts.ts)
 * answer with ADDTO/REMOVEFROM, which must come before the EXPUNGE and after the EXISTS they depend on.
 */
export interface ViewObserver {
  /** `uids` are about to be reported expunged; their sequence numbers are still valid. */
  beforeExpunge(uids: readonly number[], write: (bytes: Buffer) => void): void;
  /** After a flush: `changed` holds uids whose flags changed (this session's own STORE included) or that arrived. */
  afterFlush(changed: ReadonlySet<number>, write: (bytes: Buffer) => void): void;
}

export interface FlushOutcome {
  /** Expunges were reported (EXPUNGE or VANISHED). */
  expunged: boolean;
}

/** Above this many arrivals in one flush, one listing beats a look-up per message. */
const ARRIVAL_LOOKUP_LIMIT = 32;

export class SelectedMailbox {
  readonly mailboxId: number;
  readonly readOnly: boolean;
  /** Uids this session reports as `\Recent` (claimed by its SELECT or by later arrivals while selected). */
  readonly recentUids = new Set<number>();
  /** Called (outside the store's call stack) whenever a change is queued; IDLE uses it to push at once. */
  onChange: (() => void) | undefined;
  /** RFC 5267 update contexts of this selection, set by the first SEARCH/SORT RETURN (UPDATE). */
  observer: ViewObserver | undefined;

  readonly #store: MailStoreApi;
  readonly #origin: object;
  /** Uids in sequence order, as the client knows them. */
  readonly #uids: number[] = [];
  readonly #present = new Set<number>();
  #unsubscribe: (() => void) | undefined;
  // Pending changes, applied at the next flush.
  readonly #pendingExists = new Set<number>();
  /** Expunged uid → MODSEQ of its expunge (0 when the store did not say). */
  readonly #pendingExpunge = new Map<number, number>();
  readonly #pendingFlags = new Map<number, { flags: string[]; modseq: number }>();
  /** Keywords the client was told of in FLAGS: lower case → spelling, in the order they were announced. */
  readonly #keywords = new Map<string, string>();
  #gone = false;
  /** The saved search result `$` (RFC 5182), as uids: empty after SELECT, replaced by SEARCH RETURN (SAVE). */
  #savedSearch: ReadonlySet<number> = new Set();
  /** Uids whose flags changed or that arrived since the observer was last told (only kept while there is one). */
  readonly #observedChanges = new Set<number>();
  #lastReportedRecent = 0;
  #notifyScheduled = false;
  /** What HIGHESTMODSEQ may say to this client (RFC 7162 §3.2). */
  #modseq = new ViewModseq(0);

  /** Subscribes to the store, then lists the mailbox, so no change between the two is lost. */
  constructor(options: SelectedMailboxOptions) {
    this.#store = options.store;
    this.mailboxId = options.mailboxId;
    this.readOnly = options.readOnly;
    this.#origin = options.origin;
    this.#unsubscribe = this.#store.subscribe(this.mailboxId, (change) => this.#queue(change));
    for (const message of this.#store.listMessages(this.mailboxId)) this.#append(message.uid);
    // Arrivals the listing already contains must not be announced twice.
    for (const uid of this.#pendingExists) if (this.#present.has(uid)) this.#pendingExists.delete(uid);
    // Read in the same synchronous step as the listing, so the two describe the same state.
    this.#modseq = new ViewModseq(this.#store.getMailboxById(this.mailboxId)?.highestModseq ?? 0);
  }

  /** The highest MODSEQ the client's view covers (SELECT's HIGHESTMODSEQ, then advanced by flushes). */
  get highestModseq(): number {
    return this.#modseq.covered;
  }

  /** Uids the view still shows although another session expunged them (not reported yet). */
  get pendingExpungeUids(): number[] {
    return [...this.#pendingExpunge.keys()].filter((uid) => this.#present.has(uid));
  }

  /** SELECT (not EXAMINE) claims the unclaimed \Recent messages for this session (RFC 3501 §2.3.2). */
  claimRecent(): void {
    for (const uid of this.#store.claimRecent(this.mailboxId)) this.recentUids.add(uid);
    this.#lastReportedRecent = this.recentUids.size;
  }

  /** EXAMINE reports the unclaimed \Recent messages as recent but leaves them for a later SELECT. */
  showRecentWithoutClaiming(firstRecentUid: number): void {
    for (const uid of this.#uids) if (uid >= firstRecentUid) this.recentUids.add(uid);
    this.#lastReportedRecent = this.recentUids.size;
  }

  /** Number of messages the client knows of (the last EXISTS). */
  get exists(): number {
    return this.#uids.length;
  }

  /** Uids in sequence order (index 0 is sequence number 1). */
  get uids(): readonly number[] {
    return this.#uids;
  }

  /** True once the mailbox was deleted underneath the session. */
  get gone(): boolean {
    return this.#gone;
  }

  sequenceOf(uid: number): number | undefined {
    if (!this.#present.has(uid)) return undefined;
    const index = binarySearch(this.#uids, uid);
    return index >= 0 ? index + 1 : undefined;
  }

  uidAt(sequence: number): number | undefined {
    return this.#uids[sequence - 1];
  }

  /** True when another session expunged the message and this client has not been told yet. */
  isExpungePending(uid: number): boolean {
    return this.#pendingExpunge.has(uid);
  }

  /** The saved search result `$` (RFC 5182 §2.1), as uids. */
  get savedSearch(): ReadonlySet<number> {
    return this.#savedSearch;
  }

  /** SEARCH RETURN (SAVE) replaces `$`; a failed one empties it (RFC 5182 §2.1). */
  saveSearch(uids: Iterable<number>): void {
    this.#savedSearch = new Set(uids);
  }

  /**
   * Resolves a sequence set to messages in ascending sequence order, without duplicates.
   * `$` (RFC 5182) is the saved messages still in the view, whether or not the UID prefix was used.
   * UID sets: `*` is the highest uid; uids not in the mailbox are skipped (RFC 3501 §6.4.8).
   * Sequence sets: `*` is the last message; a number beyond the last message is `BAD Invalid messageset`.
   */
  resolve(set: SequenceSet, byUid: boolean): Array<{ seq: number; uid: number }> {
    return resolveSequenceSet(this.#uids, set, byUid, this.#savedSearch);
  }

  /**
   * Writes `* FLAGS` and `* OK [PERMANENTFLAGS]` when `flagLists` hold a keyword the client has not been told of
   * (always when `always`, for SELECT). Every FETCH that shows FLAGS calls this first (RFC 3501 §7.2.6).
   */
  announceKeywords(flagLists: Iterable<readonly string[]>, write: (bytes: Buffer) => void, always = false): void {
    let added = false;
    for (const flags of flagLists) {
      for (const flag of flags) {
        if (flag.startsWith('\\')) continue;
        const key = flag.toLowerCase(); // keywords compare case-insensitively, as the store keeps them
        if (this.#keywords.has(key)) continue;
        this.#keywords.set(key, flag);
        added = true;
      }
    }
    if (added || always) write(mailboxFlagsResponses([...this.#keywords.values()], this.readOnly));
  }

  /** True when changes wait to be written. */
  get hasPendingChanges(): boolean {
    return this.#pendingExists.size > 0 || this.#pendingExpunge.size > 0 || this.#pendingFlags.size > 0;
  }

  /**
   * Writes the queued changes through `write` and applies them to the view: EXPUNGEs first (when allowed),
   * then FETCH for flag changes of known messages, then one EXISTS (and RECENT) for the arrivals.
   */
  flush(write: (bytes: Buffer) => void, options: FlushOptions): FlushOutcome {
    let expungedAny = false;
    if (options.allowExpunge && this.#pendingExpunge.size > 0) {
      this.observer?.beforeExpunge([...this.#pendingExpunge.keys()].filter((uid) => this.#present.has(uid)), write);
      expungedAny = options.vanished === true ? this.#flushVanished(write) : this.#flushExpunges(write);
      if (this.recentUids.size < this.#lastReportedRecent) this.#lastReportedRecent = this.recentUids.size;
    }
    this.announceKeywords([...this.#pendingFlags.values()].map((change) => change.flags), write);
    for (const [uid, change] of [...this.#pendingFlags].sort((a, b) => a[0] - b[0])) {
      const sequence = this.sequenceOf(uid);
      if (sequence === undefined) {
        // Not announced yet: the client will fetch current flags after the EXISTS.
        if (!this.#pendingExists.has(uid)) this.#pendingFlags.delete(uid);
        continue;
      }
      this.#pendingFlags.delete(uid);
      const flags = change.flags.map((flag) => ({ atom: flag }));
      if (this.recentUids.has(uid)) flags.push({ atom: '\\Recent' });
      const items: ImapValue[] = [{ atom: 'FLAGS' }, flags, { atom: 'UID' }, uid];
      if (options.condstore) items.push({ atom: 'MODSEQ' }, [change.modseq]);
      write(untagged(sequence, { atom: 'FETCH' }, items));
    }
    if (this.#pendingExists.size > 0) {
      const arrivals = [...this.#pendingExists].sort((a, b) => a - b);
      this.#pendingExists.clear();
      // A keyword that came with the new messages (APPEND, COPY, delivery) is announced with the EXISTS, as
      // Dovecot does, so even a client that never fetches their flags knows the mailbox's keywords.
      this.announceKeywords(this.#arrivalFlags(arrivals), write);
      for (const uid of arrivals) this.#append(uid);
      // Only one session sees a message as \Recent: a read-write selection claims arrivals for itself.
      if (!this.readOnly) for (const uid of this.#store.claimRecent(this.mailboxId)) this.recentUids.add(uid);
      write(untagged(this.#uids.length, { atom: 'EXISTS' }));
      if (this.recentUids.size !== this.#lastReportedRecent) {
        this.#lastReportedRecent = this.recentUids.size;
        write(untagged(this.recentUids.size, { atom: 'RECENT' }));
      }
      // Flags that changed between arrival and announcement are part of what the client now fetches.
      for (const uid of arrivals) this.#pendingFlags.delete(uid);
      if (this.observer) for (const uid of arrivals) this.#observedChanges.add(uid);
    }
    if (this.observer && this.#observedChanges.size > 0) {
      const changed = new Set(this.#observedChanges);
      this.#observedChanges.clear();
      this.observer.afterFlush(changed, write);
    }
    this.#modseq.advance(this.#pendingExpunge.values());
    return { expunged: expungedAny };
  }

  /** `* n EXPUNGE` per message, highest sequence first: every number sent is still valid when the client reads it. */
  #flushExpunges(write: (bytes: Buffer) => void): boolean {
    const expunged = [...this.#pendingExpunge.keys()].sort((a, b) => b - a);
    this.#pendingExpunge.clear();
    let reported = false;
    for (const uid of expunged) {
      this.#pendingFlags.delete(uid);
      if (this.#pendingExists.delete(uid)) continue; // never announced: nothing to tell
      const sequence = this.sequenceOf(uid);
      if (sequence === undefined) continue;
      this.#uids.splice(sequence - 1, 1);
      this.#present.delete(uid);
      this.recentUids.delete(uid);
      write(untagged(sequence, { atom: 'EXPUNGE' }));
      reported = true;
    }
    return reported;
  }

  /** One `* VANISHED uids` naming only messages the client was told of (RFC 7162 §3.2.10.2). */
  #flushVanished(write: (bytes: Buffer) => void): boolean {
    const vanished = new Set<number>();
    for (const uid of this.#pendingExpunge.keys()) {
      this.#pendingFlags.delete(uid);
      if (this.#pendingExists.delete(uid)) continue; // never announced: nothing to tell
      if (!this.#present.delete(uid)) continue;
      this.recentUids.delete(uid);
      vanished.add(uid);
    }
    this.#pendingExpunge.clear();
    if (vanished.size === 0) return false;
    let kept = 0;
    for (const uid of this.#uids) if (!vanished.has(uid)) this.#uids[kept++] = uid;
    this.#uids.length = kept;
    write(untagged({ atom: 'VANISHED' }, { atom: formatSequenceSet([...vanished]) }));
    return true;
  }

  /** Forgets every queued change (CLOSE expunges silently, RFC 3501 §6.4.2). */
  discardPending(): void {
    this.#pendingExists.clear();
    this.#pendingExpunge.clear();
    this.#pendingFlags.clear();
  }

  /** Stops listening to the store; the view is dead afterwards. */
  close(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.onChange = undefined;
  }

  /** The stored flags of newly arrived messages (one listing for a big batch, point look-ups otherwise). */
  #arrivalFlags(uids: readonly number[]): string[][] {
    if (uids.length > ARRIVAL_LOOKUP_LIMIT) {
      const wanted = new Set(uids);
      return this.#store.listMessages(this.mailboxId).filter((record) => wanted.has(record.uid)).map((record) => record.flags);
    }
    return uids.map((uid) => this.#store.getMessage(this.mailboxId, uid)?.flags ?? []);
  }

  #append(uid: number): void {
    if (this.#present.has(uid)) return;
    const last = this.#uids[this.#uids.length - 1];
    if (last === undefined || uid > last) this.#uids.push(uid);
    else this.#uids.splice(lowerBound(this.#uids, uid), 0, uid); // cannot happen with ascending uids
    this.#present.add(uid);
  }

  #queue(change: MailboxChange): void {
    switch (change.kind) {
      case 'exists':
        for (const uid of change.uids) if (!this.#present.has(uid)) this.#pendingExists.add(uid);
        this.#modseq.note(change.modseq ?? 0);
        break;
      case 'flags':
        for (const message of change.messages) this.#modseq.note(message.modseq);
        if (this.observer) for (const message of change.messages) this.#observedChanges.add(message.uid);
        // Our own STORE already answered with FETCH (or was .SILENT): echoing would repeat or contradict it.
        // But another session's change still queued for the same message is older than ours: flushed as it
        // is, it would roll the client's view back, so it carries our newer flags instead.
        if (change.origin === this.#origin) {
          for (const message of change.messages) {
            if (this.#pendingFlags.has(message.uid)) this.#pendingFlags.set(message.uid, { flags: message.flags, modseq: message.modseq });
          }
          return;
        }
        for (const message of change.messages) {
          this.#pendingFlags.set(message.uid, { flags: message.flags, modseq: message.modseq });
        }
        break;
      case 'expunge':
        // Our own EXPUNGE/MOVE is reported through this queue too: one place computes sequence numbers.
        for (const uid of change.uids) this.#pendingExpunge.set(uid, change.modseq ?? 0);
        this.#modseq.note(change.modseq ?? 0);
        break;
      case 'gone':
        // RENAME keeps the mailbox id: only a deleted mailbox is really gone.
        if (this.#store.getMailboxById(this.mailboxId) === undefined) this.#gone = true;
        break;
    }
    this.#scheduleNotify();
  }

  #scheduleNotify(): void {
    if (this.#notifyScheduled || !this.onChange) return;
    this.#notifyScheduled = true;
    // Never write from inside the store's emit loop: batch the burst, then tell the session.
    queueMicrotask(() => {
      this.#notifyScheduled = false;
      this.onChange?.();
    });
  }
}
