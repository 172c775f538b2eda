// \Recent claims (RFC 3501 §2.3.2) kept in memory: the first SELECT to see a message takes its \Recent, so
// claiming happens on every SELECT and on every new arrival an idling session is told about. Writing each
// claim in its own fsync'd transaction cost one commit per idling session per delivered message (a fan-out
// to 100 sessions = 100 commits), for a flag RFC 9051 dropped altogether. Claims are therefore held here and
// written only as part of the store's next real transaction (and at close). Losing unwritten claims in a
// crash is harmless: a message shows as \Recent once more after the restart.
// A claim is keyed by mailbox id AND UIDVALIDITY, so a deleted mailbox whose id SQLite hands out again
// never inherits the old incarnation's claim.
import type { StoreDatabase } from './store-database.ts';

interface Claim {
  uidValidity: number;
  firstRecentUid: number;
}

export class RecentClaims {
  readonly #claims = new Map<number, Claim>();
  /** Mailbox ids whose claim is not yet in mailboxes.first_recent_uid; a commit looks at these only. */
  readonly #unwritten = new Set<number>();
  /** Claims written by the transaction being committed; marked written only once COMMIT succeeded. */
  #writing: Array<{ mailboxId: number }> = [];

  /** The first uid still \Recent: the in-memory claim of this incarnation, else the persisted column. */
  firstRecentUid(mailboxId: number, uidValidity: number, persisted: number): number {
    const claim = this.#claims.get(mailboxId);
    if (claim === undefined || claim.uidValidity !== uidValidity) return persisted;
    return Math.max(claim.firstRecentUid, persisted);
  }

  /** Records that every uid below `uidNext` has been claimed. */
  claim(mailboxId: number, uidValidity: number, uidNext: number): void {
    const claim = this.#claims.get(mailboxId);
    if (claim !== undefined && claim.uidValidity === uidValidity) {
      if (uidNext <= claim.firstRecentUid) return;
      claim.firstRecentUid = uidNext;
    } else {
      this.#claims.set(mailboxId, { uidValidity, firstRecentUid: uidNext });
    }
    this.#unwritten.add(mailboxId);
  }

  /** Inside a transaction, just before COMMIT: writes the unwritten claims along with it. */
  write(database: StoreDatabase): void {
    this.#writing = [];
    if (this.#unwritten.size === 0) return;
    const update = database.statement('UPDATE mailboxes SET first_recent_uid = max(first_recent_uid, ?) WHERE id = ? AND uid_validity = ?');
    for (const mailboxId of this.#unwritten) {
      const claim = this.#claims.get(mailboxId)!;
      update.run(claim.firstRecentUid, mailboxId, claim.uidValidity);
      this.#writing.push({ mailboxId });
    }
  }

  /** After COMMIT: what write() wrote is in the database now. */
  written(): void {
    for (const { mailboxId } of this.#writing) this.#unwritten.delete(mailboxId);
    this.#writing = [];
  }

  /** After ROLLBACK: what write() wrote is gone, it stays unwritten. */
  rolledBack(): void {
    this.#writing = [];
  }

  hasUnwritten(): boolean {
    return this.#unwritten.size > 0;
  }
}
