// Edge cases whose expected answers were taken from Dovecot 2.3 (dovecot-parity.test.ts re-checks them live when
// Dovecot is installed); these assertions keep the behaviour pinned on machines without it.

import { describe, expect, it } from 'vitest';
import type { BodySection } from '../../src/postoffice/imap/protocol/protocol-types.ts';
import { analyzeMessage, extractSection, parseMimeTree } from '../../src/postoffice/mime/index.ts';
import { bodyStructureValue } from '../../src/postoffice/imap/messages/message-structure-values.ts';
import { dispositions, encodedRfc822, mboxFromLine, nestedCut, padding, topLevelRfc822 } from './edge-fixtures.ts';
import { headerOnly, mixedWithAttachment } from './fixtures.ts';

function section(raw: Buffer, part: number[], specifier: BodySection['specifier'] = null, fields?: string[]): string | null {
  const bytes = extractSection(raw, parseMimeTree(raw), { part, specifier, fields });
  return bytes === null ? null : bytes.toString('latin1');
}

describe('Dovecot-compatible edge cases', () => {
  it('gives an inner close delimiter the CRLF it shares with the outer boundary', () => {
    expect(section(nestedCut, [1])).toBe('--i\r\n\r\na\r\n--i--\r\n');
    expect(section(nestedCut, [2])).toBe('b');
  });

  it('treats n.1 of a leaf part as the part, and 1.1 of a single-part message as missing', () => {
    expect(section(mixedWithAttachment, [1, 1])).toBe('See attached.');
    expect(section(mixedWithAttachment, [1, 1, 1])).toBeNull();
  });

  it('numbers a top-level message/rfc822 from the outer message', () => {
    expect(section(topLevelRfc822, [1])).toBe('Subject: inner\r\n\r\ninner body\r\n');
    expect(section(topLevelRfc822, [1], 'MIME')).toBe('Content-Type: message/rfc822\r\n\r\n');
    expect(section(topLevelRfc822, [1], 'HEADER')).toBe('Subject: inner\r\n\r\n');
    expect(section(topLevelRfc822, [1, 1])).toBe('inner body\r\n');
  });

  it('parses an encoded message/rfc822 as a message anyway', () => {
    const structure = bodyStructureValue(analyzeMessage(encodedRfc822).bodyStructure, true) as unknown[];
    const part = structure[0] as unknown[];
    expect(part.slice(0, 7)).toEqual(['message', 'rfc822', null, null, null, 'base64', 26]);
    expect(part[9]).toBe(1);
    expect(section(encodedRfc822, [1], 'HEADER')).toBe('U3ViamVjdDogeAoKYm9keQo=');
    expect(section(encodedRfc822, [1], 'TEXT')).toBe('');
  });

  it('accepts transport padding and text after the close delimiter', () => {
    expect(section(padding, [1])).toBe('one\r\n');
    expect(section(padding, [2], 'MIME')).toBe('Content-Type: text/plain\r\nNo-Blank: line');
    expect(section(padding, [2])).toBe('');
  });

  it('keeps non-field lines and the original end of header in HEADER.FIELDS.NOT', () => {
    expect(section(mboxFromLine, [], 'HEADER.FIELDS.NOT', ['subject'])).toBe(
      'From someone@example.com Tue Dec  1 10:00:00 2026\r\nFrom: a@b.example\r\n\r\n',
    );
    expect(section(headerOnly, [], 'HEADER.FIELDS.NOT', ['subject'])).toBe('From: a@example.com\r\n');
  });

  it('reports a disposition without type but with parameters', () => {
    const structure = bodyStructureValue(analyzeMessage(dispositions).bodyStructure, true) as unknown[][];
    expect(structure[0]![9]).toEqual(['', ['filename', 'x']]); // text part: md5 at 8, disposition at 9
    expect(structure[1]![9]).toEqual(['INLINE', null]);
  });
});
