// SEARCH FROM/TO/CC/BCC (RFC 3501 §6.4.4) on address headers: the needle is matched against the address list
// as parsed (RFC 5322 §3.4: comments and folding whitespace inside an addr-spec, quoted local parts, groups,
// routes) and against the header as written, both with RFC 2047 encoded-words decoded, case-insensitively.
// Why `SEARCH FROM user@domain` used to miss: the needle was compared with the raw header text only, and an
// address written `<carol (work) @ (mail) swarm.test>`, `"carol"@swarm.test` or `carol @ swarm.test` does not
// contain `carol@swarm.test` as one run of characters. Dovecot matches its normalized address list instead.

import { describe, expect, it } from 'vitest';
import { addressSearchText } from '../../src/postoffice/mime/address-search-text.ts';
import { headerMatches, parseMimeTree } from '../../src/postoffice/mime/index.ts';
import { crlf } from './fixtures.ts';

function message(...headerLines: string[]): Buffer {
  return crlf([...headerLines, 'Subject: address search', '', 'body', '']);
}

function matches(raw: Buffer, field: string, needle: string): boolean {
  return headerMatches(raw, parseMimeTree(raw), field, needle);
}

describe('SEARCH FROM/TO/CC/BCC address matching', () => {
  it('finds a plain address however the addr-spec is written', () => {
    const written = [
      'carol@swarm.test',
      'Carol Jones <carol@swarm.test>',
      '<carol (work) @ (mail) swarm.test>',
      'carol@swarm.test (Carol Jones)',
      '"Jones, Carol" <carol@swarm.test>',
      '"carol"@swarm.test',
      'carol @ swarm.test',
      'CAROL@SWARM.TEST',
      'Carol\r\n Jones\r\n <carol@swarm.test>',
      'Carol <@relay.test:carol@swarm.test>',
      '=?UTF-8?Q?Car=C3=B6l?= <carol@swarm.test>',
    ];
    for (const from of written) {
      expect({ from, found: matches(message(`From: ${from}`), 'From', 'carol@swarm.test') }).toEqual({ from, found: true });
      expect({ from, found: matches(message(`From: ${from}`), 'FROM', 'Carol@Swarm.Test') }).toEqual({ from, found: true });
    }
  });

  it('finds the display name as stored: quoted, from a comment, folded, or RFC 2047 encoded', () => {
    expect(matches(message('From: Carol Jones <carol@swarm.test>'), 'From', 'carol jones')).toBe(true);
    expect(matches(message('From: carol@swarm.test (Carol Jones)'), 'From', 'CAROL JONES')).toBe(true);
    expect(matches(message('From: "Jones, Carol" <carol@swarm.test>'), 'From', 'jones, carol')).toBe(true);
    expect(matches(message('From: Carol\r\n Jones\r\n <carol@swarm.test>'), 'From', 'carol jones')).toBe(true);
    expect(matches(message('From: =?UTF-8?Q?Car=C3=B6l_J=C3=B6nes?= <carol@swarm.test>'), 'From', 'CARÖL JÖNES')).toBe(true);
    expect(matches(message('Cc: =?ISO-8859-1?B?Sm/rbA==?= <joel@swarm.test>'), 'Cc', 'joël')).toBe(true);
    expect(matches(message('From: Carol Jones <carol@swarm.test>'), 'From', 'Carol Jones <carol@swarm.test>')).toBe(true);
  });

  it('finds group names and group members (RFC 5322 §3.4 group syntax)', () => {
    const raw = message('To: Team: dave@swarm.test, Erin <erin (ops) @swarm.test>;, Other: frank@swarm.test;');
    for (const needle of ['team', 'team:', 'dave@swarm.test', 'erin@swarm.test', 'erin <erin@swarm.test>', 'other', 'frank']) {
      expect({ needle, found: matches(raw, 'To', needle) }).toEqual({ needle, found: true });
    }
    expect(matches(message('Bcc: undisclosed-recipients:;'), 'Bcc', 'undisclosed-recipients')).toBe(true);
    expect(matches(raw, 'To', 'zed')).toBe(false);
  });

  it('does not match across what the header does not say', () => {
    const raw = message('From: Carol Jones <carol@swarm.test>', 'To: dave@swarm.test');
    expect(matches(raw, 'From', 'dave')).toBe(false);
    expect(matches(raw, 'Cc', 'carol')).toBe(false);
    expect(matches(raw, 'From', 'carol@swarm.tester')).toBe(false);
  });

  it('renders the address list the way Dovecot normalizes it for SEARCH', () => {
    expect(addressSearchText('carol@swarm.test')).toBe('<carol@swarm.test>');
    expect(addressSearchText('Carol Jones <carol@swarm.test>')).toBe('"Carol Jones" <carol@swarm.test>');
    expect(addressSearchText('<carol (work) @ (mail) swarm.test>')).toBe('<carol@swarm.test>');
    expect(addressSearchText('Carol <@relay.test:carol@swarm.test>')).toBe('Carol <@relay.test:carol@swarm.test>');
    expect(addressSearchText('Team: dave@swarm.test, Erin <erin@swarm.test>;, x@y.test')).toBe(
      'Team: <dave@swarm.test>, Erin <erin@swarm.test>;, <x@y.test>',
    );
    expect(addressSearchText('=?UTF-8?Q?Car=C3=B6l_J=C3=B6nes?= <carol@swarm.test>')).toBe('Caröl Jönes <carol@swarm.test>');
  });
});
