// SMTP delivery into the store: one transaction for all recipients, capture folders, byte-exact storage of
// large messages, and Message-ID extraction for thread look-ups (RFC 5322 §3.6.4).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractMessageId } from '../../src/postoffice/store/message-id.ts';
import { ALICE, BOB, openStoreFixture, rawMessage, type StoreFixture } from './store-fixture.ts';

let fixture: StoreFixture;

beforeEach(() => {
  fixture = openStoreFixture();
  fixture.store.ensureAccount(ALICE);
  fixture.store.ensureAccount(BOB);
});
afterEach(() => fixture.cleanup());

describe('deliver', () => {
  it('delivers to several accounts at once and reports each uid', () => {
    const date = new Date('2026-11-30T10:00:00Z');
    const results = fixture.store.deliver([{ account: 'Alice@Swarm.Local' }, { account: BOB }], rawMessage('multi@test'), date);
    const aliceInbox = fixture.store.getMailbox(ALICE, 'INBOX')!;
    const bobInbox = fixture.store.getMailbox(BOB, 'INBOX')!;
    expect(results).toEqual([
      { account: ALICE, mailboxId: aliceInbox.id, uid: 1 },
      { account: BOB, mailboxId: bobInbox.id, uid: 1 },
    ]);
    const message = fixture.store.getMessage(bobInbox.id, 1)!;
    expect(message).toMatchObject({ flags: [], messageId: 'multi@test', size: rawMessage('multi@test').length });
    expect(message.internalDate.toISOString()).toBe(date.toISOString());
    expect(fixture.store.getMailboxById(bobInbox.id)).toMatchObject({ messageCount: 1, unseenCount: 1 });
  });

  it('delivers nothing when one target account is unknown', () => {
    expect(() =>
      fixture.store.deliver([{ account: ALICE }, { account: 'ghost@swarm.local' }, { account: BOB }], rawMessage('atomic@test')),
    ).toThrow(expect.objectContaining({ code: 'NONEXISTENT' }));
    for (const account of [ALICE, BOB]) {
      const inbox = fixture.store.getMailbox(account, 'INBOX')!;
      expect(inbox).toMatchObject({ messageCount: 0, uidNext: 1 });
    }
    expect(fixture.store.findByMessageIds(ALICE, ['atomic@test'])).toEqual([]);
  });

  it('creates a missing named target mailbox (capture folder) and uses an existing one', () => {
    const [first] = fixture.store.deliver([{ account: ALICE, mailbox: 'Capture/bob' }], rawMessage('cap1@test'));
    const capture = fixture.store.getMailbox(ALICE, 'Capture/bob')!;
    expect(first).toEqual({ account: ALICE, mailboxId: capture.id, uid: 1 });
    expect(fixture.store.getMailbox(ALICE, 'Capture')).toBeDefined();
    const [second] = fixture.store.deliver([{ account: ALICE, mailbox: 'Capture/bob' }], rawMessage('cap2@test'));
    expect(second).toEqual({ account: ALICE, mailboxId: capture.id, uid: 2 });
    expect(() => fixture.store.deliver([{ account: ALICE, mailbox: 'bad/' }], rawMessage('bad@test'))).toThrow(
      expect.objectContaining({ code: 'BADNAME' }),
    );
  });

  it('stores a 25 MiB message byte for byte', () => {
    const header = Buffer.from('Subject: big\r\nMessage-ID: <big@test>\r\n\r\n');
    const body = Buffer.alloc(25 * 1024 * 1024);
    for (let index = 0; index < body.length; index++) body[index] = index % 251;
    const raw = Buffer.concat([header, body]);
    const [result] = fixture.store.deliver([{ account: ALICE }], raw);
    const store = fixture.reopen();
    const stored = store.getRaw(result!.mailboxId, result!.uid)!;
    expect(stored.length).toBe(raw.length);
    expect(stored.equals(raw)).toBe(true);
    expect(store.getMessage(result!.mailboxId, result!.uid)!.messageId).toBe('big@test');
  });

  it('keeps 8-bit and CRLF-less bytes exactly', () => {
    const raw = Buffer.from([0x53, 0x3a, 0x20, 0xff, 0x0a, 0x0a, 0x00, 0x80, 0x0d]);
    const [result] = fixture.store.deliver([{ account: ALICE }], raw);
    expect(fixture.store.getRaw(result!.mailboxId, result!.uid)!.equals(raw)).toBe(true);
  });
});

describe('findByMessageIds', () => {
  it('finds the messages of one account, in every mailbox, with or without angle brackets', () => {
    fixture.store.deliver([{ account: ALICE }, { account: BOB }], rawMessage('thread-1@test'));
    fixture.store.deliver([{ account: ALICE }], rawMessage('thread-2@test'));
    const sent = fixture.store.getMailbox(ALICE, 'Sent')!;
    fixture.store.append(sent.id, rawMessage('thread-1@test'), ['\\Seen']);
    const found = fixture.store.findByMessageIds(ALICE, ['<thread-1@test>', 'thread-2@test', 'unknown@test']);
    const inbox = fixture.store.getMailbox(ALICE, 'INBOX')!;
    expect(found).toEqual(
      expect.arrayContaining([
        { mailboxId: inbox.id, mailbox: 'INBOX', uid: 1, messageId: 'thread-1@test' },
        { mailboxId: sent.id, mailbox: 'Sent', uid: 1, messageId: 'thread-1@test' },
        { mailboxId: inbox.id, mailbox: 'INBOX', uid: 2, messageId: 'thread-2@test' },
      ]),
    );
    expect(found).toHaveLength(3);
    expect(fixture.store.findByMessageIds(BOB, ['thread-2@test'])).toEqual([]);
  });
});

describe('extractMessageId', () => {
  it.each([
    ['Message-ID: <simple@host>\r\n\r\n', 'simple@host'],
    ['message-id:   <lower@host>  \r\n\r\n', 'lower@host'],
    ['Subject: x\r\nMessage-ID:\r\n\t<folded@host>\r\nTo: y\r\n\r\n', 'folded@host'],
    ['Message-Id: bare@host\n\n', 'bare@host'],
    ['Message-ID: <first@host>\r\nMessage-ID: <second@host>\r\n\r\n', 'first@host'],
    ['Subject: x\r\n\r\nMessage-ID: <in-body@host>\r\n', null],
    ['X-Message-ID: <other@host>\r\n\r\n', null],
    ['Subject: no id\r\n\r\n', null],
  ])('%j → %s', (raw, expected) => {
    expect(extractMessageId(Buffer.from(raw))).toBe(expected);
  });
});
