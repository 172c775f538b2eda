// The selected view with QRESYNC (RFC 7162 §3.2.10.2): expunges flush as one `* VANISHED uids` naming only
// messages the client was told of, and the view's HIGHESTMODSEQ never passes an expunge that is still held
// back (§3.2: a client that reconnects with that value must still learn of the expunge).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SelectedMailbox } from '../../src/postoffice/imap/session/selected-mailbox.ts';
import { MailStore } from '../../src/postoffice/store/mail-store.ts';
import { sampleMessage } from './imap-test-server.ts';

const account = 'alice@swarm.local';
let dataDir: string;
let store: MailStore;
let mailboxId: number;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'mailswarm-vanished-'));
  store = MailStore.open(dataDir);
  store.ensureAccount(account);
  mailboxId = store.createMailbox(account, 'View').id;
});
afterEach(() => {
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function appendMessages(count: number): void {
  for (let index = 0; index < count; index++) store.append(mailboxId, sampleMessage(`m${index}`), []);
}

function expunge(uids: number[]): void {
  store.storeFlags(mailboxId, uids, 'add', ['\\Deleted']);
  store.expunge(mailboxId, uids);
}

function flushText(view: SelectedMailbox, allowExpunge: boolean): string[] {
  const lines: string[] = [];
  view.flush((bytes) => lines.push(bytes.toString().trimEnd()), { allowExpunge, condstore: true, vanished: true });
  return lines;
}

describe('VANISHED flush', () => {
  it('reports expunged uids in one response and renumbers the view', () => {
    appendMessages(6);
    const view = new SelectedMailbox({ store, mailboxId, readOnly: false, origin: {} });
    expunge([2, 3, 5]);
    expect(flushText(view, true).filter((line) => !line.includes('FETCH'))).toEqual(['* VANISHED 2:3,5']);
    expect(view.uids).toEqual([1, 4, 6]);
    expect(view.sequenceOf(6)).toBe(3);
    view.close();
  });

  it('starts at the HIGHESTMODSEQ of its listing and stops short of a held-back expunge', () => {
    appendMessages(3);
    const view = new SelectedMailbox({ store, mailboxId, readOnly: false, origin: {} });
    const atSelect = store.getMailboxById(mailboxId)!.highestModseq;
    expect(view.highestModseq).toBe(atSelect);
    expunge([1]);
    const expungeModseq = store.getMailboxById(mailboxId)!.highestModseq;
    store.storeFlags(mailboxId, [3], 'add', ['\\Flagged']);
    const flagModseq = store.getMailboxById(mailboxId)!.highestModseq;
    expect(flagModseq).toBeGreaterThan(expungeModseq);

    // During FETCH by sequence number (RFC 3501 §7.4.1) the expunge waits; the flag change goes out.
    const held = flushText(view, false);
    expect(held).toContain(`* 3 FETCH (FLAGS (\\Flagged) UID 3 MODSEQ (${flagModseq}))`);
    expect(held.filter((line) => line.includes('VANISHED'))).toEqual([]);
    expect(view.highestModseq).toBeLessThan(expungeModseq);
    expect(view.pendingExpungeUids).toEqual([1]);

    expect(flushText(view, true)).toEqual(['* VANISHED 1']);
    expect(view.highestModseq).toBe(flagModseq);
    expect(view.pendingExpungeUids).toEqual([]);
    view.close();
  });
});
