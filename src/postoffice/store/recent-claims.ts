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
  /** Not yet written to mailboxes.first_recent_uid. */
  unwritten: boolean;
}

export class RecentClaims {
  readonly #claims = new Map<number, Claim>();
  /** Claims written by the transaction being committed; marked written only once COMMIT succeeded. */
  #writing: Claim[] = [];

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
      claim.unwritten = true;
      return;
    }
    this.#claims.set(mailboxId, { uidValidity, firstRecentUid: uidNext, unwritten: true });
  }

  /** Inside a transaction, just before COMMIT: writes the unwritten claims along with it. */
  write(database: StoreDatabase): void {
    const update = database.statement('UPDATE mailboxes SET first_recent_uid = max(first_recent_uid, ?) WHERE id = ? AND uid_validity = ?');
    this.#writing = [];
    for (const [mailboxId, claim] of this.#claims) {
      if (!claim.unwritten) continue;
      update.run(claim.firstRecentUid, mailboxId, claim.uidValidity);
      this.#writing.push(claim);
    }
  }

  /** After COMMIT: what write() wrote is durable now. */
  written(): void {
    for (const claim of this.#writing) claim.unwritten = false;
    this.#writing = [];
  }

  /** After ROLLBACK: what write() wrote is gone, it stays unwritten. */
  rolledBack(): void {
    this.#writing = [];
  }

  hasUnwritten(): boolean {
    for (const claim of this.#claims.values()) if (claim.unwritten) return true;
    return false;
  }
}
