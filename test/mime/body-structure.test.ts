// BODYSTRUCTURE and BODY values (RFC 3501 §7.4.2) for every fixture shape, sizes and line counts by hand.

import { describe, expect, it } from 'vitest';
import { analyzeMessage, buildBodyStructure, parseMimeTree } from '../../src/postoffice/mime/index.ts';
import { bodyStructureValue } from '../../src/postoffice/imap/messages/message-structure-values.ts';
import {
  alternative,
  bareLf,
  crlf,
  forwarded,
  forwardedEmbeddedLines,
  headerOnly,
  missingFinalBoundary,
  mixedWithAttachment,
  nested,
  rfc3501Example,
  simpleText,
} from './fixtures.ts';

const NO_EXT = [null, null, null, null]; // md5, disposition, language, location
const ASCII = ['charset', 'us-ascii'];

function structureOf(raw: Buffer, extensible = true): unknown {
  return bodyStructureValue(buildBodyStructure(parseMimeTree(raw), raw), extensible);
}

describe('buildBodyStructure (RFC 3501 §7.4.2)', () => {
  it('describes a single text part, with and without extension data', () => {
    expect(structureOf(simpleText)).toEqual(['text', 'plain', ASCII, null, null, '7BIT', 24, 2, ...NO_EXT]);
    expect(structureOf(simpleText, false)).toEqual(['text', 'plain', ASCII, null, null, '7BIT', 24, 2]);
  });

  it('matches the shape of the RFC 3501 BODY example (case of names normalised)', () => {
    expect(structureOf(rfc3501Example, false)).toEqual(['text', 'plain', ['charset', 'US-ASCII'], null, null, '7BIT', 17, 1]);
  });

  it('describes multipart/alternative with sizes and lines of each part', () => {
    expect(structureOf(alternative)).toEqual([
      ['text', 'plain', ['charset', 'utf-8'], null, null, 'quoted-printable', 14, 0, ...NO_EXT],
      ['text', 'html', ['charset', 'utf-8'], null, null, '7BIT', 18, 0, ...NO_EXT],
      'alternative',
      ['boundary', 'ALT'],
      null,
      null,
      null,
    ]);
    expect(structureOf(alternative, false)).toEqual([
      ['text', 'plain', ['charset', 'utf-8'], null, null, 'quoted-printable', 14, 0],
      ['text', 'html', ['charset', 'utf-8'], null, null, '7BIT', 18, 0],
      'alternative',
    ]);
  });

  it('reports a base64 attachment with disposition and merged RFC 2231 filename', () => {
    expect(structureOf(mixedWithAttachment)).toEqual([
      ['text', 'plain', ASCII, null, null, '7BIT', 13, 0, ...NO_EXT],
      [
        'application',
        'octet-stream',
        ['name', 'report.bin'],
        null,
        null,
        'base64',
        18,
        null,
        ['attachment', ['filename*', "utf-8''r%C3%A9sum%C3%A9%20final.pdf"]],
        null,
        null,
      ],
      'mixed',
      ['boundary', 'MIX'],
      null,
      null,
      null,
    ]);
    const tree = parseMimeTree(mixedWithAttachment);
    expect(tree.children[1]!.disposition!.params['filename']).toBe('résumé final.pdf');
  });

  it('nests multiparts and keeps Content-ID and Content-Description', () => {
    expect(structureOf(nested, false)).toEqual([
      [['text', 'plain', ASCII, null, null, '7BIT', 10, 0], ['text', 'html', ASCII, null, null, '7BIT', 16, 0], 'alternative'],
      ['image', 'png', null, '<img1@example.com>', 'a dot', 'base64', 12],
      'mixed',
    ]);
  });

  it('describes message/rfc822 with its envelope, structure and line count', () => {
    const embedded = forwardedEmbeddedLines;
    const orig = [[null, null, 'orig', 'example.com']];
    const structure = structureOf(forwarded) as unknown[];
    expect(structure[1]).toEqual([
      'message',
      'rfc822',
      null,
      null,
      null,
      '7BIT',
      // Dovecot gives the inner close delimiter its CRLF (shared with the outer boundary): +2 octets, 14 lines.
      Buffer.byteLength(embedded.join('\r\n')) + 2,
      [
        null,
        'original',
        orig,
        orig,
        orig,
        [
          [null, null, 'Group', null],
          [null, null, 'a', 'example.com'],
          [null, null, 'b', 'example.com'],
          [null, null, null, null],
        ],
        null,
        null,
        null,
        null,
      ],
      [
        ['text', 'plain', ASCII, null, null, '7BIT', 10, 0, ...NO_EXT],
        ['text', 'html', ASCII, null, null, '7BIT', 12, 0, ...NO_EXT],
        'alternative',
        ['boundary', 'IN'],
        null,
        null,
        null,
      ],
      embedded.length,
      ...NO_EXT,
    ]);
  });

  it('handles bare-LF messages', () => {
    expect(structureOf(bareLf, false)).toEqual([
      ['text', 'plain', ASCII, null, null, '7BIT', 5, 0],
      ['text', 'plain', ASCII, null, null, '7BIT', 11, 1],
      'mixed',
    ]);
  });

  it('gives a header-only message an empty body', () => {
    expect(structureOf(headerOnly, false)).toEqual(['text', 'plain', ASCII, null, null, '7BIT', 0, 0]);
  });

  it('runs the last part to the end when the closing boundary is missing', () => {
    expect(structureOf(missingFinalBoundary, false)).toEqual([
      ['text', 'plain', ASCII, null, null, '7BIT', 3, 0],
      ['text', 'plain', ASCII, null, null, '7BIT', 27, 2],
      'mixed',
    ]);
  });

  it('reports language, location, MD5 and multipart disposition in extension data', () => {
    const raw = crlf([
      'Content-Type: multipart/related; boundary=R; type="text/html"',
      'Content-Disposition: inline',
      'Content-Language: en, de',
      '',
      '--R',
      'Content-Type: text/html; charset="utf-8"',
      'Content-Location: http://example.com/a.html',
      'Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==',
      'Content-Disposition: inline; filename="a b.html"',
      'Content-Language: fr',
      '',
      '<p>x</p>',
      '--R--',
      '',
    ]);
    expect(structureOf(raw)).toEqual([
      [
        'text',
        'html',
        ['charset', 'utf-8'],
        null,
        null,
        '7BIT',
        8,
        0,
        'Q2hlY2sgSW50ZWdyaXR5IQ==',
        ['inline', ['filename', 'a b.html']],
        ['fr'],
        'http://example.com/a.html',
      ],
      'related',
      ['boundary', 'R', 'type', 'text/html'],
      ['inline', null],
      ['en', 'de'],
      null,
    ]);
  });

  it('defaults multipart/digest children to message/rfc822', () => {
    const raw = crlf([
      'Content-Type: multipart/digest; boundary=D',
      '',
      '--D',
      '',
      'Subject: digest item',
      '',
      'item body',
      '--D--',
      '',
    ]);
    const structure = structureOf(raw, false) as unknown[];
    const item = structure[0] as unknown[];
    expect(item.slice(0, 7)).toEqual(['message', 'rfc822', null, null, null, '7BIT', 33]);
    expect((item[7] as unknown[])[1]).toBe('digest item');
    expect(item[8]).toEqual(['text', 'plain', ASCII, null, null, '7BIT', 9, 0]);
    expect(item[9]).toBe(2);
  });

  it('never throws on garbage and always yields a valid structure', () => {
    const samples = [
      Buffer.alloc(0),
      Buffer.from('\r\n\r\n'),
      Buffer.from([0, 1, 2, 255, 10, 58, 13, 10, 13]),
      crlf(['Content-Type: multipart/mixed', '', 'no boundary parameter']),
      crlf(['Content-Type: multipart/mixed; boundary=Z', '', 'boundary never appears']),
      crlf(['Content-Type: ;;;/', 'Content-Disposition: ;', '', 'x']),
      Buffer.from('Content-Type: multipart/mixed; boundary=A\r\n\r\n--A\r\n'.repeat(200)),
      Buffer.from(Array.from({ length: 2000 }, (_, level) => `Content-Type: multipart/mixed; boundary=B${level}\r\n\r\n--B${level}\r\n`).join('')),
      Buffer.from(Array.from({ length: 2000 }, () => 'Content-Type: message/rfc822\r\n\r\n').join('')),
    ];
    for (const raw of samples) {
      const analysis = analyzeMessage(raw);
      expect(Array.isArray(bodyStructureValue(analysis.bodyStructure, true))).toBe(true);
    }
    // Dovecot: a multipart without boundary keeps its type, with one empty text/plain child.
    expect(structureOf(samples[3]!, false)).toEqual([['text', 'plain', ASCII, null, null, '7BIT', 0, 0], 'mixed']);
    expect(structureOf(samples[4]!, false)).toEqual([['text', 'plain', ASCII, null, null, '7BIT', 0, 0], 'mixed']);
  });
});
