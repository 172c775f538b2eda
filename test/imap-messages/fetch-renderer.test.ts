// Unit tests of the FETCH renderer (RFC 3501 §6.4.5, §7.4.2) on fixture messages: item names, section labels,
// partial origins, \Recent, and that metadata-only fetches never parse the message.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeMessage } from '../../src/postoffice/mime/index.ts';
import { serializeValue } from '../../src/postoffice/imap/protocol/response-writer.ts';
import { parseFetchItems } from '../../src/postoffice/imap/protocol/argument-parsers.ts';
import type { ImapValue } from '../../src/postoffice/imap/protocol/protocol-types.ts';
import type { MessageRecord } from '../../src/postoffice/store/store-types.ts';
import {
  bodyResponseName, needsContent, renderFetchItems, sectionLabel, setsSeenFlag, type FetchSubject,
} from '../../src/postoffice/imap/messages/fetch-renderer.ts';

const plain = readFileSync(new URL('./fixtures/plain.eml', import.meta.url));
const multipart = readFileSync(new URL('./fixtures/multipart.eml', import.meta.url));

function record(raw: Buffer, overrides: Partial<MessageRecord> = {}): MessageRecord {
  return {
    uid: 7, modseq: 42, flags: ['\\Seen', '$Forwarded'], internalDate: new Date('2026-12-01T10:11:12Z'),
    size: raw.length, messageId: null, ...overrides,
  };
}

function subject(raw: Buffer, overrides: Partial<FetchSubject> = {}): FetchSubject & { parses: number } {
  const state = { parses: 0 };
  return {
    record: record(raw),
    recent: false,
    content: () => {
      state.parses++;
      return { raw, analysis: analyzeMessage(raw) };
    },
    get parses() {
      return state.parses;
    },
    ...overrides,
  };
}

/** Parses a fetch attribute text the way a client writes it. */
function items(text: string) {
  return parseFetchItems([{ type: 'atom', value: text }]);
}

function wire(values: ImapValue[]): string {
  return serializeValue(values).toString('latin1');
}

describe('sectionLabel / bodyResponseName', () => {
  it('echoes sections in the response form', () => {
    expect(sectionLabel({ part: [], specifier: null })).toBe('');
    expect(sectionLabel({ part: [1, 2], specifier: null })).toBe('1.2');
    expect(sectionLabel({ part: [2], specifier: 'MIME' })).toBe('2.MIME');
    expect(sectionLabel({ part: [], specifier: 'HEADER.FIELDS', fields: ['From', 'to'] })).toBe('HEADER.FIELDS (FROM TO)');
    expect(sectionLabel({ part: [3], specifier: 'HEADER.FIELDS.NOT', fields: ['Received'] })).toBe('3.HEADER.FIELDS.NOT (RECEIVED)');
    expect(bodyResponseName({ part: [], specifier: null }, { offset: 0 })).toBe('BODY[]<0>');
    expect(bodyResponseName({ part: [], specifier: 'TEXT' }, undefined)).toBe('BODY[TEXT]');
  });
});

describe('renderFetchItems', () => {
  it('renders metadata items without parsing the message', () => {
    const message = subject(plain, { recent: true });
    const rendered = renderFetchItems(items('FAST').concat(items('UID'), items('MODSEQ')), message);
    expect(wire(rendered)).toBe(
      `(FLAGS (\\Seen $Forwarded \\Recent) INTERNALDATE "01-Dec-2026 10:11:12 +0000" RFC822.SIZE ${plain.length} UID 7 MODSEQ (42))`,
    );
    expect(message.parses).toBe(0);
    expect(needsContent(items('FAST'))).toBe(false);
  });

  it('renders BODY.PEEK[HEADER.FIELDS (...)] the way Thunderbird asks, absent fields omitted', () => {
    const message = subject(plain);
    const rendered = renderFetchItems(items('BODY.PEEK[HEADER.FIELDS (From To Cc Subject Priority X-Priority)]'), message);
    expect(rendered[0]).toEqual({ atom: 'BODY[HEADER.FIELDS (FROM TO CC SUBJECT PRIORITY X-PRIORITY)]' });
    expect((rendered[1] as Buffer).toString()).toBe(
      'From: Alice Example <alice@swarm.local>\r\nTo: Bob <bob@swarm.local>, carol@swarm.local\r\nSubject: Quarterly plan\r\nX-Priority: 3\r\n\r\n',
    );
  });

  it('returns exact byte ranges for partial fetches and names only the origin', () => {
    const rendered = renderFetchItems(items('BODY.PEEK[]<10.100>'), subject(multipart));
    expect(rendered[0]).toEqual({ atom: 'BODY[]<10>' });
    expect(Buffer.compare(rendered[1] as Buffer, multipart.subarray(10, 110))).toBe(0);
    const beyond = renderFetchItems(items('BODY[]<100000.10>'), subject(multipart));
    expect((beyond[1] as Buffer).length).toBe(0);
  });

  it('renders RFC822, RFC822.HEADER, RFC822.TEXT and body parts', () => {
    const rendered = renderFetchItems(
      [...items('RFC822'), ...items('RFC822.HEADER'), ...items('RFC822.TEXT'), ...items('BODY[1]'), ...items('BODY[2.MIME]')],
      subject(multipart),
    );
    const names = rendered.filter((_, index) => index % 2 === 0);
    expect(names).toEqual([{ atom: 'RFC822' }, { atom: 'RFC822.HEADER' }, { atom: 'RFC822.TEXT' }, { atom: 'BODY[1]' }, { atom: 'BODY[2.MIME]' }]);
    const text = multipart.toString('latin1');
    const headerEnd = text.indexOf('\r\n\r\n') + 4;
    expect((rendered[1] as Buffer).equals(multipart)).toBe(true);
    expect((rendered[3] as Buffer).toString('latin1')).toBe(text.slice(0, headerEnd));
    expect((rendered[5] as Buffer).toString('latin1')).toBe(text.slice(headerEnd));
    expect((rendered[7] as Buffer).toString()).toBe('See the attachment, banana.');
    expect((rendered[9] as Buffer).toString()).toContain('Content-Disposition: attachment');
  });

  it('renders ENVELOPE and a multipart BODYSTRUCTURE, each name once', () => {
    const message = subject(multipart);
    const rendered = renderFetchItems([...items('ENVELOPE'), ...items('BODYSTRUCTURE'), ...items('ENVELOPE')], message);
    expect(rendered).toHaveLength(4);
    const envelope = wire([rendered[1]!]);
    expect(envelope).toContain('"=?UTF-8?Q?Re=3A_Caf=C3=A9?="');
    expect(envelope).toContain('"<reply-2@swarm.local>"');
    const structure = wire([rendered[3]!]);
    expect(structure).toMatch(/^\(\(\("TEXT" "PLAIN"/i);
    expect(structure).toMatch(/"MIXED"/i);
  });

  it('serves the whole message without parsing it (chunked downloads)', () => {
    const unparsed: FetchSubject = {
      record: record(multipart),
      recent: false,
      content: () => ({
        raw: multipart,
        get analysis(): never {
          throw new Error('the whole message must not need a MIME parse');
        },
      }),
    };
    const rendered = renderFetchItems([...items('BODY.PEEK[]<0.65536>'), ...items('RFC822'), ...items('RFC822.SIZE')], unparsed);
    expect((rendered[1] as Buffer).equals(multipart)).toBe(true);
    expect((rendered[3] as Buffer).equals(multipart)).toBe(true);
  });

  it('says which items set \\Seen', () => {
    expect(setsSeenFlag(items('BODY[]'))).toBe(true);
    expect(setsSeenFlag(items('BODY.PEEK[]'))).toBe(false);
    expect(setsSeenFlag(items('RFC822'))).toBe(true);
    expect(setsSeenFlag(items('RFC822.TEXT'))).toBe(true);
    expect(setsSeenFlag(items('RFC822.HEADER'))).toBe(false);
  });
});
