// RFC 3516 content rules: BINARY[part] undoes base64 and quoted-printable (identity encodings pass through, an unknown
// one is NO [UNKNOWN-CTE], a missing part is empty), BINARY[] rewrites every encoded leaf to `binary` as Dovecot does,
// and APPEND stores parts holding NUL bytes base64-encoded so BINARY gives the appended bytes back while BODY stays
// NUL-free (§4.4, §6); a NUL in a header cannot be stored losslessly.
import { describe, expect, it } from 'vitest';
import { binaryContent } from '../../src/postoffice/imap/messages/binary-section.ts';
import { storableMessage } from '../../src/postoffice/imap/messages/binary-append.ts';
import { ImapError } from '../../src/postoffice/imap/session/imap-error.ts';
import { parseMimeTree } from '../../src/postoffice/mime/index.ts';

const crlf = (text: string) => Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1');

const multipart = crlf(`From: a@x.org
Subject: parts
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=XX

--XX
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

h=C3=A9llo=
 world
--XX
Content-Type: application/octet-stream
Content-Transfer-Encoding: BASE64

AAECAwQ=
--XX
Content-Type: text/plain
Content-Transfer-Encoding: x-uuencode

begin 644 x
--XX--
`);

function binary(raw: Buffer, part: number[]): Buffer {
  return binaryContent(raw, parseMimeTree(raw), part);
}

describe('BINARY[part] (RFC 3516 §4.2, §4.3)', () => {
  it('decodes quoted-printable and base64, whatever the case of the encoding name', () => {
    expect(binary(multipart, [1]).toString('utf8')).toBe('héllo world');
    expect([...binary(multipart, [2])]).toEqual([0, 1, 2, 3, 4]);
  });

  it('answers NO [UNKNOWN-CTE] for an encoding it cannot undo, and nothing for a part the message lacks', () => {
    expect(() => binary(multipart, [3])).toThrow(ImapError);
    try {
      binary(multipart, [3]);
    } catch (error) {
      expect(error).toMatchObject({ status: 'NO', code: 'UNKNOWN-CTE' });
    }
    expect(binary(multipart, [7]).length).toBe(0);
  });

  it('BINARY[] rewrites every encoded leaf to binary', () => {
    const single = crlf('From: a@x.org\nSubject: single\nContent-Transfer-Encoding: base64\n\naGVsbG8=\n');
    // The same bytes Dovecot answers (74 octets).
    expect(binary(single, []).toString('latin1')).toBe('From: a@x.org\r\nSubject: single\r\nContent-Transfer-Encoding: binary\r\n\r\nhello');
    const plain = crlf('Subject: plain\n\nhello\n');
    expect(binary(plain, [])).toEqual(plain);
    expect(() => binary(multipart, [])).toThrow(ImapError); // the x-uuencode part cannot be undone
  });
});

describe('APPEND of binary content (RFC 3516 §4.4)', () => {
  const nulBytes = Buffer.from([0, 1, 2, 0xff, 0x0d, 0x0a, 0x41]);
  const withNul = Buffer.concat([
    crlf('From: a@x.org\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nhello\n--B\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: binary\n\n'),
    nulBytes,
    crlf('\n--B\nContent-Type: application/octet-stream\n\n'),
    Buffer.from([0, 0, 0]),
    crlf('\n--B--\n'),
  ]);

  it('stores NUL-holding parts as base64, the same bytes Dovecot stores, and BINARY gives them back', () => {
    const stored = storableMessage(withNul);
    expect(stored.includes(0)).toBe(false);
    expect(stored.toString('latin1')).toContain('Content-Transfer-Encoding: base64\r\n\r\nAAEC/w0KQQ==\r\n--B');
    // A part without a Content-Transfer-Encoding field gets one.
    expect(stored.toString('latin1')).toContain('Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--B--');
    expect(binary(stored, [2])).toEqual(nulBytes);
    expect(binary(stored, [3])).toEqual(Buffer.from([0, 0, 0]));
    expect(binary(stored, [1]).toString()).toBe('hello');
  });

  it('leaves messages without NUL alone and refuses a NUL in a header', () => {
    expect(storableMessage(multipart)).toBe(multipart);
    expect(() => storableMessage(Buffer.concat([crlf('Subject: a'), Buffer.from([0]), crlf('\n\nbody\n')]))).toThrow(ImapError);
  });
});
