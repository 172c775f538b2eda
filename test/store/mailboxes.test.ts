// Accounts, mailbox names, CREATE/DELETE/RENAME and subscriptions in the store (RFC 3501 §5.1, §6.3.3-7).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MailboxChange } from '../../src/postoffice/store/store-types.ts';
import { ALICE, BOB, openStoreFixture, rawMessage, type StoreFixture } from './store-fixture.ts';

let fixture: StoreFixture;

beforeEach(() => {
  fixture = openStoreFixture();
  fixture.store.ensureAccount(ALICE);
});
afterEach(() => fixture.cleanup());

function names(): string[] {
  return fixture.store.listMailboxes(ALICE).map((mailbox) => mailbox.name);
}

describe('accounts', () => {
  it('creates the default folders, subscribed, with their special use; lower-cases the address', () => {
    fixture.store.ensureAccount('Bob@Swarm.Local');
    expect(fixture.store.accountExists(BOB)).toBe(true);
    expect(fixture.store.accountExists('BOB@swarm.local')).toBe(true);
    const mailboxes = fixture.store.listMailboxes(BOB);
    expect(mailboxes.map((mailbox) => [mailbox.name, mailbox.specialUse])).toEqual([
      ['INBOX', null],
      ['Archive', '\\Archive'],
      ['Drafts', '\\Drafts'],
      ['Junk', '\\Junk'],
      ['Sent', '\\Sent'],
      ['Trash', '\\Trash'],
    ]);
    expect(mailboxes.every((mailbox) => mailbox.account === BOB)).toBe(true);
    expect(fixture.store.listSubscriptions(BOB)).toEqual(['INBOX', 'Archive', 'Drafts', 'Junk', 'Sent', 'Trash']);
  });

  it('is idempotent and does not recreate a renamed special-use folder', () => {
    const before = fixture.store.listMailboxes(ALICE);
    fixture.store.ensureAccount(ALICE);
    expect(fixture.store.listMailboxes(ALICE)).toEqual(before);
    fixture.store.renameMailbox(ALICE, 'Sent', 'Sent Items');
    fixture.store.ensureAccount(ALICE);
    expect(names()).not.toContain('Sent');
    expect(fixture.store.getMailbox(ALICE, 'Sent Items')!.specialUse).toBe('\\Sent');
  });

  it('reports unknown accounts', () => {
    expect(fixture.store.accountExists('nobody@swarm.local')).toBe(false);
    expect(() => fixture.store.createMailbox('nobody@swarm.local', 'X')).toThrow(expect.objectContaining({ code: 'NONEXISTENT' }));
  });
});

describe('mailbox names', () => {
  it.each(['', '/', 'a/', '/a', 'a//b', 'a/../b', '..', 'bad*', 'bad%', 'tab\there', 'nul\u0000', 'del\u007f'])(
    'rejects %j with BADNAME',
    (name) => {
      expect(() => fixture.store.createMailbox(ALICE, name)).toThrow(expect.objectContaining({ code: 'BADNAME' }));
      expect(fixture.store.getMailbox(ALICE, name)).toBeUndefined();
    },
  );

  it('treats INBOX case-insensitively, also as a superior name', () => {
    expect(fixture.store.getMailbox(ALICE, 'inbox')!.name).toBe('INBOX');
    expect(() => fixture.store.createMailbox(ALICE, 'Inbox')).toThrow(expect.objectContaining({ code: 'ALREADYEXISTS' }));
    expect(fixture.store.createMailbox(ALICE, 'inbox/child').name).toBe('INBOX/child');
    expect(fixture.store.getMailbox(ALICE, 'INBOX/child')).toBeDefined();
  });

  it('keeps other names case-sensitive and UTF-8', () => {
    fixture.store.createMailbox(ALICE, 'Projekte/Übersicht');
    fixture.store.createMailbox(ALICE, 'projekte');
    expect(fixture.store.getMailbox(ALICE, 'Projekte/Übersicht')).toBeDefined();
    expect(names()).toEqual(expect.arrayContaining(['Projekte', 'Projekte/Übersicht', 'projekte']));
  });
});

describe('create', () => {
  it('creates missing superior names and refuses duplicates', () => {
    const created = fixture.store.createMailbox(ALICE, 'a/b/c', null);
    expect(created).toMatchObject({ name: 'a/b/c', uidNext: 1, messageCount: 0, unseenCount: 0, firstRecentUid: 1 });
    expect(names()).toEqual(expect.arrayContaining(['a', 'a/b', 'a/b/c']));
    expect(() => fixture.store.createMailbox(ALICE, 'a/b')).toThrow(expect.objectContaining({ code: 'ALREADYEXISTS' }));
  });
});

describe('delete', () => {
  it('refuses INBOX, mailboxes with children and unknown mailboxes', () => {
    fixture.store.createMailbox(ALICE, 'parent/child');
    expect(() => fixture.store.deleteMailbox(ALICE, 'inbox')).toThrow(expect.objectContaining({ code: 'CANNOT' }));
    expect(() => fixture.store.deleteMailbox(ALICE, 'parent')).toThrow(expect.objectContaining({ code: 'CANNOT', message: expect.stringContaining('has children') }));
    expect(() => fixture.store.deleteMailbox(ALICE, 'missing')).toThrow(expect.objectContaining({ code: 'NONEXISTENT' }));
  });

  it('deletes the mailbox and its messages, emits gone, and keeps the subscription', () => {
    const work = fixture.store.createMailbox(ALICE, 'Work');
    fixture.store.setSubscribed(ALICE, 'Work', true);
    fixture.store.append(work.id, rawMessage('w@test'), []);
    const changes: MailboxChange[] = [];
    fixture.store.subscribe(work.id, (change) => changes.push(change));
    fixture.store.deleteMailbox(ALICE, 'Work');
    expect(changes).toEqual([{ kind: 'gone', mailboxId: work.id }]);
    expect(fixture.store.getMailboxById(work.id)).toBeUndefined();
    expect(fixture.store.listMessages(work.id)).toEqual([]);
    expect(fixture.store.listSubscriptions(ALICE)).toContain('Work');
    fixture.store.deleteMailbox(ALICE, 'Trash');
    expect(names()).not.toContain('Trash');
  });
});

describe('rename', () => {
  it('renames inferiors and subscriptions along, keeping ids, UIDVALIDITY and messages', () => {
    const parent = fixture.store.createMailbox(ALICE, 'a');
    const child = fixture.store.createMailbox(ALICE, 'a/x');
    fixture.store.createMailbox(ALICE, 'ab');
    fixture.store.append(child.id, rawMessage('c@test'), []);
    fixture.store.setSubscribed(ALICE, 'a', true);
    fixture.store.setSubscribed(ALICE, 'a/x', true);
    fixture.store.setSubscribed(ALICE, 'ab', true);
    const gone: MailboxChange[] = [];
    fixture.store.subscribe(parent.id, (change) => gone.push(change));
    fixture.store.subscribe(child.id, (change) => gone.push(change));
    fixture.store.renameMailbox(ALICE, 'a', 'b/c');
    expect(names()).toEqual(expect.arrayContaining(['b', 'b/c', 'b/c/x', 'ab']));
    expect(names()).not.toContain('a');
    expect(names()).not.toContain('a/x');
    const renamedChild = fixture.store.getMailbox(ALICE, 'b/c/x')!;
    expect(renamedChild).toMatchObject({ id: child.id, uidValidity: child.uidValidity, messageCount: 1 });
    expect(fixture.store.listSubscriptions(ALICE)).toEqual(expect.arrayContaining(['b/c', 'b/c/x', 'ab']));
    expect(fixture.store.listSubscriptions(ALICE)).not.toContain('a');
    expect(gone.map((change) => change.kind)).toEqual(['gone', 'gone']);
  });

  it('refuses existing targets, unknown sources and renaming into an own inferior', () => {
    fixture.store.createMailbox(ALICE, 'a');
    expect(() => fixture.store.renameMailbox(ALICE, 'a', 'Sent')).toThrow(expect.objectContaining({ code: 'ALREADYEXISTS' }));
    expect(() => fixture.store.renameMailbox(ALICE, 'a', 'inbox')).toThrow(expect.objectContaining({ code: 'ALREADYEXISTS' }));
    expect(() => fixture.store.renameMailbox(ALICE, 'missing', 'b')).toThrow(expect.objectContaining({ code: 'NONEXISTENT' }));
    expect(() => fixture.store.renameMailbox(ALICE, 'a', 'a/b')).toThrow(expect.objectContaining({ code: 'CANNOT' }));
    expect(() => fixture.store.renameMailbox(ALICE, 'a', 'b/')).toThrow(expect.objectContaining({ code: 'BADNAME' }));
  });

  it('moves INBOX messages into a new mailbox and leaves INBOX empty with its inferiors (RFC 3501 §6.3.5)', () => {
    const inbox = fixture.store.getMailbox(ALICE, 'INBOX')!;
    fixture.store.createMailbox(ALICE, 'INBOX/keep');
    fixture.store.deliver([{ account: ALICE }], rawMessage('i1@test', 'one'));
    fixture.store.deliver([{ account: ALICE }], rawMessage('i2@test', 'two'));
    fixture.store.storeFlags(inbox.id, [2], 'add', ['\\Seen']);
    const changes: MailboxChange[] = [];
    fixture.store.subscribe(inbox.id, (change) => changes.push(change));
    fixture.store.renameMailbox(ALICE, 'inbox', 'Old Inbox');
    const moved = fixture.store.getMailbox(ALICE, 'Old Inbox')!;
    expect(moved.id).not.toBe(inbox.id);
    expect(moved.uidValidity).not.toBe(inbox.uidValidity);
    expect(fixture.store.listMessages(moved.id).map((message) => [message.uid, message.flags])).toEqual([
      [1, []],
      [2, ['\\Seen']],
    ]);
    expect(fixture.store.getRaw(moved.id, 2)!.toString()).toContain('two');
    const emptied = fixture.store.getMailbox(ALICE, 'INBOX')!;
    expect(emptied).toMatchObject({ id: inbox.id, uidValidity: inbox.uidValidity, messageCount: 0, uidNext: 3 });
    expect(changes).toEqual([{ kind: 'expunge', mailboxId: inbox.id, uids: [1, 2], modseq: expect.any(Number) }]);
    expect(fixture.store.getMailbox(ALICE, 'INBOX/keep')).toBeDefined();
    expect(fixture.store.deliver([{ account: ALICE }], rawMessage('i3@test'))[0]!.uid).toBe(3);
  });
});

describe('subscriptions', () => {
  it('may name mailboxes that do not exist and are per account', () => {
    fixture.store.ensureAccount(BOB);
    fixture.store.setSubscribed(ALICE, 'Not/There', true);
    fixture.store.setSubscribed(ALICE, 'Not/There', true);
    expect(fixture.store.listSubscriptions(ALICE)).toContain('Not/There');
    expect(fixture.store.listSubscriptions(BOB)).not.toContain('Not/There');
    fixture.store.setSubscribed(ALICE, 'Not/There', false);
    fixture.store.setSubscribed(ALICE, 'inbox', false);
    expect(fixture.store.listSubscriptions(ALICE)).not.toContain('Not/There');
    expect(fixture.store.listSubscriptions(ALICE)).not.toContain('INBOX');
    expect(() => fixture.store.setSubscribed(ALICE, 'x*', true)).toThrow(expect.objectContaining({ code: 'BADNAME' }));
  });
});
