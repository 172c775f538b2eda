// Retention of the post office's records (config `retention`, default 90 days each; 0 keeps forever):
//   - the humans' Journal folders and the audit journal's entries (`journalDays`): old Journal copies are
//     expunged, old entries replaced by one checkpoint entry so `mailswarm audit verify` still proves the
//     rest of the hash chain (journal/message-journal.ts prune());
//   - held-message records in guards.sqlite (`heldDays`), released or not;
//   - the expunge record QRESYNC reads (`expungeHistory` newest records per mailbox, store/message-rows.ts).
// Runs once at start and then hourly; a failed run is logged as an error and retried on the next tick
// (pruning is idempotent: each run removes whatever is older than its cutoff).
import type { RetentionConfig } from '../config/config-schema.ts';
import type { Logger } from '../logger.ts';
import type { AccountDirectory } from './accounts/account-directory.ts';
import type { GuardRails } from './guards/guard-rails.ts';
import { pruneJournalFolders } from './journal/journal-folder.ts';
import type { MessageJournal } from './journal/message-journal.ts';
import type { MailStoreApi } from './store/store-types.ts';

const DAY_MS = 24 * 60 * 60_000;
const RUN_INTERVAL_MS = 60 * 60_000;

export interface RetentionReport {
  journalFolderCopies: number;
  journalEntries: number;
  /** Seq of the checkpoint entry this run appended, when it pruned entries. */
  checkpointSeq: number | undefined;
  heldRecords: number;
  expungeRecords: number;
}

export interface RetentionScheduleOptions {
  config: RetentionConfig;
  store: MailStoreApi;
  accounts: AccountDirectory;
  journal: MessageJournal;
  guards: Pick<GuardRails, 'pruneHeld'>;
  logger: Logger;
  /** The clock (tests move it instead of waiting). */
  now?: () => Date;
}

export class RetentionSchedule {
  readonly #options: RetentionScheduleOptions;
  readonly #logger: Logger;
  readonly #now: () => Date;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: RetentionScheduleOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: 'retention' });
    this.#now = options.now ?? (() => new Date());
  }

  /** Prunes now, then every hour until stop(). */
  start(): void {
    this.#runLogged();
    this.#timer = setInterval(() => this.#runLogged(), RUN_INTERVAL_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One pruning pass with the cutoffs computed from `now`. */
  runNow(now: Date = this.#now()): RetentionReport {
    const { config, store, accounts, journal, guards } = this.#options;
    const report: RetentionReport = { journalFolderCopies: 0, journalEntries: 0, checkpointSeq: undefined, heldRecords: 0, expungeRecords: 0 };
    if (config.journalDays > 0) {
      const cutoff = new Date(now.getTime() - config.journalDays * DAY_MS);
      report.journalFolderCopies = pruneJournalFolders(store, accounts, cutoff);
      const pruning = journal.prune(cutoff, now);
      if (pruning !== undefined) {
        report.journalEntries = pruning.prunedEntries;
        report.checkpointSeq = pruning.checkpoint.seq;
      }
    }
    if (config.heldDays > 0) report.heldRecords = guards.pruneHeld(new Date(now.getTime() - config.heldDays * DAY_MS));
    if (config.expungeHistory > 0) report.expungeRecords = store.pruneExpungeHistory(config.expungeHistory);
    return report;
  }

  #runLogged(): void {
    try {
      const report = this.runNow();
      if (report.journalFolderCopies + report.journalEntries + report.heldRecords + report.expungeRecords > 0) this.#logger.info({ ...report }, 'retention pruned old records');
    } catch (error) {
      this.#logger.error({ err: error }, 'retention run failed; retrying in an hour');
    }
  }
}
