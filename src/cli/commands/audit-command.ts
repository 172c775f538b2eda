// `mailswarm audit verify`: proves the hash-chained audit journal (table journal_entries of
// `<dataDir>/mail.sqlite`; an older `journal.sqlite` is imported on first open) intact, or
// names the first broken entry (seq, time, what differs) and exits 1. Also re-hashes every journaled copy
// still in the mail store (the humans' Journal folders, INBOXes) against the journaled SHA-256. Entries
// removed by retention (config `retention.journalDays`) are accounted for by a checkpoint entry.
// Reads only; safe while the post office runs (SQLite WAL readers do not block the writer).
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { verifyJournal, type JournalVerification } from '../../postoffice/journal/journal-verify.ts';
import { JOURNAL_FILE_NAME, MessageJournal } from '../../postoffice/journal/message-journal.ts';
import { MailStore } from '../../postoffice/store/mail-store.ts';
import { DATABASE_FILE_NAME } from '../../postoffice/store/store-database.ts';
import { CliError, loadCliConfig, type GlobalOptions } from '../cli-options.ts';

export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('check the audit journal of every message the post office accepted');
  audit
    .command('verify')
    .description('prove the journal hash chain intact and the stored messages unchanged (exit 0), or name the first broken entry (exit 1)')
    .option('--json', 'print the result as JSON')
    .action((options: { json?: boolean }, command: Command) => {
      const { config } = loadCliConfig(command.optsWithGlobals<GlobalOptions>());
      const journalFile = path.join(config.dataDir, JOURNAL_FILE_NAME);
      if (!existsSync(journalFile)) throw new CliError(`no audit journal at ${journalFile} (wrong --data or --config? the post office creates it on first start)`);
      const journal = MessageJournal.open(config.dataDir);
      const store = existsSync(path.join(config.dataDir, DATABASE_FILE_NAME)) ? MailStore.open(config.dataDir) : undefined;
      try {
        const verification = verifyJournal(journal, store);
        console.log(options.json ? JSON.stringify({ journal: journalFile, ...verification }, null, 2) : formatVerification(journalFile, verification));
        if (verification.failure !== undefined) process.exitCode = 1;
      } finally {
        store?.close();
        journal.close();
      }
    });
}

export function formatVerification(journalFile: string, verification: JournalVerification): string {
  const copies = `${verification.copiesChecked} stored message copies re-hashed${verification.copiesGone > 0 ? `, ${verification.copiesGone} no longer stored` : ''}`;
  const { failure } = verification;
  const pruned = verification.prunedThrough;
  const prunedLine = pruned === undefined ? [] : [`  entries 1 to ${pruned.seq} pruned by retention (checkpoint entry ${pruned.checkpointSeq}, ${pruned.checkpointTime})`];
  if (failure === undefined) {
    return [
      `audit journal ${journalFile}: intact`,
      `  ${verification.entriesChecked} entries checked, ${copies}`,
      ...prunedLine,
      `  head: entry ${verification.head.seq}, hash ${verification.head.hash} (write it down to anchor the chain)`,
    ].join('\n');
  }
  return [
    `audit journal ${journalFile}: BROKEN at entry ${failure.seq} (time ${failure.time})`,
    `  ${failure.problem}`,
    `  ${verification.entriesChecked} entries before it verified, ${copies}`,
  ].join('\n');
}
