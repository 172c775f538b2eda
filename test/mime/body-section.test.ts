// BODY[section] bytes (RFC 3501 §6.4.5): whole message, HEADER, HEADER.FIELDS(.NOT), TEXT, MIME, part paths, partials.

import { describe, expect, it } from 'vitest';
import type { BodySection } from '../../src/postoffice/imap/protocol/protocol-types.ts';
import { applyPartial, extractSection, parseMimeTree } from '../../src/postoffice/mime/index.ts';
import { alternative, bareLf, crlf, forwarded, headerOnly, missingFinalBoundary, nested, simpleText } from './fixtures.ts';

function section(raw: Buffer, part: number[], specifier: BodySection['specifier'] = null, fields?: string[]): string | null {
  const bytes = extractSection(raw, parseMimeTree(raw), { part, specifier, fields });
  return bytes === null ? null : bytes.toString('utf8');
}

describe('extractSection (RFC 3501 §6.4.5)', () => {
  it('returns the whole message, its header with the blank line, and its text', () => {
    const raw = simpleText;
    expect(section(raw, [])).toBe(raw.toString());
    const header = section(raw, [], 'HEADER')!;
    expect(header.endsWith('Message-ID: <1@example.com>\r\n\r\n')).toBe(true);
    expect(section(raw, [], 'TEXT')).toBe('Hello Bob\r\nSecond line\r\n');
    expect(header + section(raw, [], 'TEXT')).toBe(raw.toString());
  });

  it('treats part 1 of a non-multipart message as its body and 1.MIME as its header', () => {
    expect(section(simpleText, [1])).toBe('Hello Bob\r\nSecond line\r\n');
    expect(section(simpleText, [1], 'MIME')).toBe(section(simpleText, [], 'HEADER'));
    expect(section(simpleText, [2])).toBeNull();
    expect(section(simpleText, [1, 1])).toBeNull();
    expect(section(simpleText, [1], 'HEADER')).toBeNull();
  });

  it('selects header fields case-insensitively, keeping folding and order, ending with a blank line', () => {
    const raw = crlf(['Subject: folded', ' subject', 'From: a@example.com', 'X-Two: 1', 'x-two: 2', 'To: b@example.com', '', 'body']);
    expect(section(raw, [], 'HEADER.FIELDS', ['x-TWO', 'subject'])).toBe('Subject: folded\r\n subject\r\nX-Two: 1\r\nx-two: 2\r\n\r\n');
    expect(section(raw, [], 'HEADER.FIELDS.NOT', ['x-two', 'SUBJECT'])).toBe('From: a@example.com\r\nTo: b@example.com\r\n\r\n');
    expect(section(raw, [], 'HEADER.FIELDS', ['Absent'])).toBe('\r\n');
  });

  it('cuts multipart parts exactly, excluding the line break before each boundary', () => {
    expect(section(alternative, [1])).toBe('Caf=C3=A9 menu');
    expect(section(alternative, [1], 'MIME')).toBe(
      'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n',
    );
    expect(section(alternative, [2])).toBe('<p>Caf&eacute;</p>');
    expect(section(alternative, [3])).toBeNull();
    expect(section(alternative, [], 'TEXT')).toBe(
      'This is a preamble.\r\n--ALT\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCaf=C3=A9 menu\r\n--ALT\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Caf&eacute;</p>\r\n--ALT--\r\nepilogue\r\n',
    );
  });

  it('addresses nested parts by dotted numbers', () => {
    expect(section(nested, [1, 1])).toBe('plain body');
    expect(section(nested, [1, 2])).toBe('<i>html body</i>');
    expect(section(nested, [1])).toBe(
      '--outer-inner\r\nContent-Type: text/plain\r\n\r\nplain body\r\n--outer-inner\r\nContent-Type: text/html\r\n\r\n<i>html body</i>\r\n--outer-inner--\r\n',
    );
    expect(section(nested, [2])).toBe('iVBORw0KGgo=');
    expect(section(nested, [1, 3])).toBeNull();
  });

  it('descends into message/rfc822 parts: HEADER, TEXT, MIME and sub-parts', () => {
    expect(section(forwarded, [2], 'MIME')).toBe('Content-Type: message/rfc822\r\n\r\n');
    expect(section(forwarded, [2], 'HEADER')).toBe(
      'From: orig@example.com\r\nTo: Group: a@example.com, b@example.com;\r\nSubject: original\r\nContent-Type: multipart/alternative; boundary="IN"\r\n\r\n',
    );
    expect(section(forwarded, [2], 'HEADER.FIELDS', ['subject'])).toBe('Subject: original\r\n\r\n');
    const text = section(forwarded, [2], 'TEXT')!;
    expect(text.startsWith('--IN\r\n')).toBe(true);
    expect(text.endsWith('<b>inner</b>\r\n--IN--\r\n')).toBe(true);
    expect(section(forwarded, [2])).toBe(section(forwarded, [2], 'HEADER')! + text);
    expect(section(forwarded, [2, 1])).toBe('inner text');
    expect(section(forwarded, [2, 2], 'MIME')).toBe('Content-Type: text/html\r\n\r\n');
    expect(section(forwarded, [2, 2])).toBe('<b>inner</b>');
    expect(section(forwarded, [1], 'HEADER')).toBeNull();
    expect(section(forwarded, [2, 3])).toBeNull();
  });

  it('keeps bare-LF bytes exactly as stored', () => {
    expect(section(bareLf, [1], 'MIME')).toBe('\n');
    expect(section(bareLf, [1])).toBe('first');
    expect(section(bareLf, [2])).toBe('second\nline');
    expect(section(bareLf, [], 'HEADER')).toBe('From: a@example.com\nSubject: lf\nContent-Type: multipart/mixed; boundary=X\n\n');
  });

  it('handles a header-only message', () => {
    expect(section(headerOnly, [], 'HEADER')).toBe(headerOnly.toString());
    expect(section(headerOnly, [], 'TEXT')).toBe('');
    expect(section(headerOnly, [1])).toBe('');
    const noFinalNewline = Buffer.from('Subject: x');
    expect(section(noFinalNewline, [], 'HEADER.FIELDS', ['subject'])).toBe('Subject: x\r\n\r\n');
  });

  it('extends the last part to the end when the closing boundary is missing', () => {
    expect(section(missingFinalBoundary, [1])).toBe('one');
    expect(section(missingFinalBoundary, [2])).toBe('two\r\nand the message ends\r\n');
  });

  it('rejects MIME without a part number', () => {
    expect(section(simpleText, [], 'MIME')).toBeNull();
  });
});

describe('applyPartial', () => {
  const bytes = Buffer.from('0123456789');
  it('slices <offset.length> and clamps at the end', () => {
    expect(applyPartial(bytes, undefined).toString()).toBe('0123456789');
    expect(applyPartial(bytes, { offset: 2, length: 3 }).toString()).toBe('234');
    expect(applyPartial(bytes, { offset: 8, length: 10 }).toString()).toBe('89');
    expect(applyPartial(bytes, { offset: 10, length: 1 }).length).toBe(0);
    expect(applyPartial(bytes, { offset: 50, length: 1 }).length).toBe(0);
    expect(applyPartial(bytes, { offset: 0, length: 0 }).length).toBe(0);
  });
});
