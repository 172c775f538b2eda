// ENVELOPE values (RFC 3501 §7.4.2), starting from the RFC's own example.

import { describe, expect, it } from 'vitest';
import { buildEnvelope, parseMimeTree } from '../../src/postoffice/mime/index.ts';
import { envelopeValue } from '../../src/postoffice/imap/messages/message-structure-values.ts';
import { crlf, groups, rfc3501Example, simpleText } from './fixtures.ts';

function envelopeOf(raw: Buffer): unknown {
  return envelopeValue(buildEnvelope(parseMimeTree(raw), raw));
}

describe('buildEnvelope (RFC 3501 §7.4.2)', () => {
  it('reproduces the RFC 3501 example ENVELOPE', () => {
    const gray = [['Terry Gray', null, 'gray', 'cac.washington.edu']];
    expect(envelopeOf(rfc3501Example)).toEqual([
      'Wed, 17 Jul 1996 02:23:25 -0700 (PDT)',
      'IMAP4rev1 WG mtg summary and minutes',
      gray,
      gray,
      gray,
      [[null, null, 'imap', 'cac.washington.edu']],
      [
        [null, null, 'minutes', 'CNRI.Reston.VA.US'],
        ['John Klensin', null, 'KLENSIN', 'MIT.EDU'],
      ],
      null,
      null,
      '<B27397-0100000@cac.washington.edu>',
    ]);
  });

  it('defaults sender and reply-to to from and gives NIL for absent fields', () => {
    const alice = [['Alice', null, 'alice', 'example.com']];
    expect(envelopeOf(simpleText)).toEqual([
      'Tue, 1 Dec 2026 10:00:00 +0100',
      'Hi',
      alice,
      alice,
      alice,
      [[null, null, 'bob', 'example.com']],
      null,
      null,
      null,
      '<1@example.com>',
    ]);
  });

  it('lists groups with start/end markers, comments as names, routes, and keeps encoded-words as sent', () => {
    expect(envelopeOf(groups)).toEqual([
      null,
      '=?UTF-8?Q?Caf=C3=A9?= =?UTF-8?B?IG1lbnU=?=',
      [['Doe, Jane', null, 'jane', 'example.com']],
      [['The List', null, 'list', 'example.com']],
      [['=?UTF-8?Q?J=C3=B6rg?=', null, 'jorg', 'example.com']],
      [
        [null, null, 'undisclosed-recipients', null],
        [null, null, null, null],
      ],
      [
        [null, null, 'Team', null],
        [null, null, 'a', 'x.example'],
        ['B, b', null, 'b', 'y.example'],
        [null, null, null, null],
        [null, null, 'c', 'z.example'],
      ],
      [[null, '@relay.example,@other.example', 'route', 'host.example']],
      '<parent@example.com>',
      null,
    ]);
  });

  it('unfolds folded headers and returns NIL for empty address lists', () => {
    const raw = crlf(['Subject: a long', '\tfolded subject', 'To: ', 'From: x@y.example', '', '']);
    const envelope = envelopeOf(raw) as unknown[];
    expect(envelope[1]).toBe('a long\tfolded subject');
    expect(envelope[5]).toBeNull();
  });

  it('copes with odd addresses like Dovecot: quoted local parts, missing domain, <> and garbage', () => {
    const raw = crlf(['From: "odd \\"one\\""@example.com, nobody, <>, ,,', 'To: @@@ <<>>', '', '']);
    const envelope = envelopeOf(raw) as unknown[];
    expect(envelope[2]).toEqual([
      [null, null, 'odd "one"', 'example.com'],
      [null, null, 'nobody', 'MISSING_DOMAIN'],
      [null, null, 'MISSING_MAILBOX', 'MISSING_DOMAIN'],
    ]);
    expect(() => envelopeOf(raw)).not.toThrow();
  });
});
