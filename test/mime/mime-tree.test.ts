// The MIME tree: byte ranges, header fields, parameters (RFC 2045/2231), transfer decoding, part lookup, CRLF.

import { describe, expect, it } from 'vitest';
import { decodeTransferEncoding, findPart, parseMimeTree, toCrlf } from '../../src/postoffice/mime/index.ts';
import { bareLf, crlf, forwarded, headerOnly, mixedWithAttachment, simpleText } from './fixtures.ts';

describe('parseMimeTree', () => {
  it('records header and body ranges that tile the message', () => {
    const tree = parseMimeTree(simpleText);
    expect(tree.header.start).toBe(0);
    expect(tree.body.start).toBe(tree.header.end);
    expect(tree.body.end).toBe(simpleText.length);
    expect(tree.headers.map((field) => field.name)).toEqual(['From', 'To', 'Subject', 'Date', 'Message-ID']);
    const subject = tree.headers[2]!;
    expect(simpleText.toString('latin1', subject.start, subject.end)).toBe('Subject: Hi\r\n');
    expect(tree.contentType).toEqual({ type: 'text', subtype: 'plain', params: { charset: 'us-ascii' }, listParams: [['charset', 'us-ascii']] });
    expect(tree.contentTypeDefaulted).toBe(true);
  });

  it('parses quoted, escaped and RFC 2231 parameters', () => {
    const raw = crlf([
      'Content-Type: Application/X-Thing; name="a \\"quoted\\" name; with semicolon"; level=1 (comment);',
      "  title*=iso-8859-1'en'%A3%20rates; CHARSET=\"UTF-8\"",
      '',
      '',
    ]);
    const tree = parseMimeTree(raw);
    expect(tree.contentType.type).toBe('application');
    expect(tree.contentType.subtype).toBe('x-thing');
    expect(tree.contentType.params).toEqual({
      name: 'a "quoted" name; with semicolon',
      level: '1',
      title: '£ rates',
      charset: 'UTF-8',
    });
    // Dovecot's order: plain parameters first, then the RFC 2231 ones.
    expect(tree.contentType.listParams).toEqual([
      ['name', 'a "quoted" name; with semicolon'],
      ['level', '1'],
      ['charset', 'UTF-8'],
      ['title*', "iso-8859-1'en'%A3%20rates"],
    ]);
  });

  it('joins RFC 2231 continuations given out of order, mixing encoded and plain pieces', () => {
    const raw = crlf([
      'Content-Type: text/plain;',
      ' filename*1="part two";',
      " filename*0*=UTF-8''%E2%82%AC%20;",
      ' filename*2*=%21',
      '',
      '',
    ]);
    expect(parseMimeTree(raw).contentType.params['filename']).toBe('€ part two!');
    expect(parseMimeTree(raw).contentType.listParams).toEqual([['filename*', "UTF-8''%E2%82%AC%20part%20two%21"]]);
  });

  it('decodes the attachment of the mixed fixture', () => {
    const tree = parseMimeTree(mixedWithAttachment);
    const attachment = tree.children[1]!;
    const decoded = decodeTransferEncoding(
      mixedWithAttachment.subarray(attachment.body.start, attachment.body.end),
      attachment.transferEncoding,
    );
    expect([...decoded]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('decodes quoted-printable soft breaks and keeps broken escapes', () => {
    const decoded = decodeTransferEncoding(Buffer.from('a=3Db=\r\nc=\nd =ZZ e=4'), 'Quoted-Printable');
    expect(decoded.toString()).toBe('a=bcd =ZZ e=4');
  });

  it('finds parts by path, through message/rfc822', () => {
    const tree = parseMimeTree(forwarded);
    expect(findPart(tree, [])).toBe(tree);
    expect(findPart(tree, [2])!.contentType.subtype).toBe('rfc822');
    expect(findPart(tree, [2, 1])!.contentType.subtype).toBe('plain');
    expect(findPart(tree, [2, 1])).toBe(tree.children[1]!.embedded!.children[0]);
    expect(findPart(tree, [0])).toBeNull();
    expect(findPart(tree, [3])).toBeNull();
  });

  it('parses a header-only message with an empty body', () => {
    const tree = parseMimeTree(headerOnly);
    expect(tree.header).toEqual({ start: 0, end: headerOnly.length });
    expect(tree.body).toEqual({ start: headerOnly.length, end: headerOnly.length });
    expect(tree.headers.map((field) => field.value)).toEqual(['a@example.com', 'only a header']);
  });

  it('ignores a leading mbox From_ line and lines without a colon', () => {
    const raw = crlf(['From someone@example.com Tue Dec  1 10:00:00 2026', 'Subject: s', 'garbage line', 'To: t@example.com', '', 'b']);
    const tree = parseMimeTree(raw);
    expect(tree.headers.map((field) => field.name)).toEqual(['Subject', 'To']);
    expect(raw.toString('latin1', tree.body.start)).toBe('b');
  });

  it('reads 8-bit UTF-8 headers and falls back to Latin-1', () => {
    const utf8 = Buffer.from('Subject: Grüße\r\n\r\n', 'utf8');
    expect(parseMimeTree(utf8).headers[0]!.value).toBe('Grüße');
    const latin1 = Buffer.from('Subject: Gr\xfc\xdfe\r\n\r\n', 'latin1');
    expect(parseMimeTree(latin1).headers[0]!.value).toBe('Grüße');
  });
});

describe('toCrlf', () => {
  it('turns bare LF and bare CR into CRLF and leaves CRLF input untouched', () => {
    expect(toCrlf(Buffer.from('a\nb\r\nc\rd\n')).toString()).toBe('a\r\nb\r\nc\r\nd\r\n');
    const already = Buffer.from('a\r\nb\r\n');
    expect(toCrlf(already)).toBe(already);
    expect(toCrlf(Buffer.from('\n\n')).toString()).toBe('\r\n\r\n');
    expect(toCrlf(Buffer.alloc(0)).length).toBe(0);
  });

  it('gives a bare-LF message the structure of its CRLF twin', () => {
    const normalized = toCrlf(bareLf);
    const tree = parseMimeTree(normalized);
    expect(normalized.toString('latin1', tree.children[1]!.body.start, tree.children[1]!.body.end)).toBe('second\r\nline');
    expect(normalized.length).toBe(147); // Dovecot's RFC822.SIZE for the same file
  });
});
