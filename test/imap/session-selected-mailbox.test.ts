// SelectedMailbox, the session's view of its mailbox (RFC 3501 §2.3.1 sequence numbers and UIDs, §6.4.8
// UID ranges with `*`, §7.4.1 EXPUNGE timing): sequence-set resolution and the flush of queued changes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSequenceSet } from '../../src/postoffice/imap/protocol/argument-parsers.ts';
import { ImapError } from '../../src/postoffice/imap/session/imap-error.ts';
import { SelectedMailbox } from '../../src/postoffice/imap/session/selected-mailbox.ts';
import { MailStore } from '../../src/postoffice/store/mail-store.ts';
import { sampleMessage } from './imap-test-server.ts';

const account = 'alice@swarm.local';
let dataDir: string;
let store: MailStore;
let mailboxId: number;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'mailswarm-selected-'));
  store = MailStore.open(dataDir);
  store.ensureAccount(account);
  mailboxId = store.createMailbox(account, 'View').id;
});
afterEach(() => {
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function appendMessages(count: number): number[] {
  return Array.from({ length: count }, (_, index) => store.append(mailboxId, sampleMessage(`m${index}`), []).uid);
}

function flushText(view: SelectedMailbox, allowExpunge = true, condstore = false): string[] {
  const lines: string[] = [];
  view.flush((bytes) => lines.push(bytes.toString().trimEnd()), { allowExpunge, condstore });
  return lines;
}

describe('resolve', () => {
  it('resolves sequence sets and rejects numbers beyond the mailbox', () => {
    appendMessages(5);
    const view = new SelectedMailbox({ store, mailboxId, readOnly: false, origin: {} });
    expect(view.resolve(parseSequenceSet('2:3,5,*'), false).map((entry) => entry.seq)).toEqual([2, 3, 5]);
    expect(view.resolve(parseSequenceSet('4:*'), false).map((entry) => entry.uid)).toEqual([4, 5]);
    expect(() => view.resolve(parseSequenceSet('6'), false)).toThrow(ImapError);
    expect(() => view.resolve(parseSequenceSet('3:9'), false)).toThrow(/Invalid messageset/);
    view.close();
  });

  it('resolves UID sets: missing UIDs are skipped and n:* always includes the highest UID', () => {
    appendMessages(4);
    store.storeFlags(mailboxId, [2], 'add', ['\\Deleted']);
    store.expunge(mailboxId);
    const view = new SelectedMailbox({ store, mailboxId, readOnly: false, origin: {} });
    expect(view.resolve(parseSequenceSet('1:3'), true)).toEqual([{ seq: 1, uid: 1 }, { seq: 2, uid: 3 }]);
    expect(view.resolve(parseSequenceSet('559:*'), true)).toEqual([{ seq: 3, uid: 4 }]);
    expect(view.resolve(parseSequenceSet('100'), true)).toEqual([]);
    expect(view.sequenceOf(3)).toBe(2);
    expect(view.sequenceOf(2)).toBeUndefined();
    view.close();
  });

  it('selects nothing for * in an empty mailbox', () => {
    const view = new SelectedMailbox({ store, mailboxId, readOnly: false, origin: {} });
    expect(view.resolve(parseSequenceSet('1:*'), false)).toEqual([]);
    expect(view.resolve(parseSequenceSet('*'), true)).toEqual([]);
    view.close();
  });
});

describe('flush', () => {
  it('keeps sequence numbers until EXPUNGE may be sent, then sends them highest first', () => {
    appendMessages(4);
    const view = new SelectedMailbox({ store, mailboxId, readOnly: false, origin: {} });
    store.storeFlags(mailboxId, [2, 3], 'add', ['\\Deleted']);
    store.expunge(mailboxId);
    expect(flushText(view, false)).toEqual(['* 2 FETCH (FLAGS (\\Deleted) UID 2)', '* 3 FETCH (FLAGS (\\Deleted) UID 3)']);
    expect(view.exists).toBe(4);
    expect(view.isExpungePending(2)).toBe(true);
    expect(flushText(view)).toEqual(['* 3 EXPUNGE', '* 2 EXPUNGE']);
    expect(view.uids).toEqual([1, 4]);
    view.close();
  });

  it('never announces a message that arrived and vanished between two flushes', () => {
    appendMessages(1);
    const view = new SelectedMailbox({ store, mailboxId, readOnly: true, origin: {} });
    const [uid] = appendMessages(2);
    store.storeFlags(mailboxId, [uid!], 'add', ['\\Deleted']);
    store.expunge(mailboxId);
    expect(flushText(view)).toEqual(['* 2 EXISTS']);
    expect(view.uids).toEqual([1, 3]);
    view.close();
  });

  it('does not echo its own flag changes but reports EXISTS of its own appends, with RECENT', () => {
    const origin = {};
    appendMessages(1);
    const view = new SelectedMailbox({ store, mailboxId, readOnly: false, origin });
    view.claimRecent();
    store.storeFlags(mailboxId, [1], 'add', ['\\Seen'], origin);
    store.append(mailboxId, sampleMessage('mine'), [], undefined, origin);
    expect(flushText(view)).toEqual(['* 2 EXISTS', '* 2 RECENT']);
    const modseq = store.storeFlags(mailboxId, [2], 'add', ['$Label']).updated[0]!.modseq;
    // $Label is new to this session: FLAGS and PERMANENTFLAGS name it before the FETCH does (RFC 3501 §7.2.6).
    expect(flushText(view, true, true)).toEqual([
      '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label)\r\n* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label \\*)] Flags permitted',
      `* 2 FETCH (FLAGS ($Label \\Recent) UID 2 MODSEQ (${modseq}))`,
    ]);
    view.close();
  });

  it('notifies an IDLE listener once per burst, outside the store call', async () => {
    const view = new SelectedMailbox({ store, mailboxId, readOnly: false, origin: {} });
    let notifications = 0;
    view.onChange = () => notifications++;
    appendMessages(3);
    expect(notifications).toBe(0);
    await Promise.resolve();
    expect(notifications).toBe(1);
    expect(flushText(view)).toEqual(['* 3 EXISTS', '* 3 RECENT']);
    view.close();
  });
});
