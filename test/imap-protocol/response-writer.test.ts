// Response serializer (RFC 3501 §4 data formats, §7 responses).
import { describe, expect, it } from 'vitest';
import { continuation, quoteString, serializeValue, tagged, untagged, untaggedStatus } from '../../src/postoffice/imap/protocol/response-writer.ts';

const text = (buffer: Buffer) => buffer.toString('utf8');

describe('response writer', () => {
  it('serializes scalar values', () => {
    expect(text(serializeValue(null))).toBe('NIL');
    expect(text(serializeValue(42))).toBe('42');
    expect(text(serializeValue(12345678901234567890n))).toBe('12345678901234567890');
    expect(text(serializeValue('hello world'))).toBe('"hello world"');
    expect(text(serializeValue('say "hi" \\o/'))).toBe('"say \\"hi\\" \\\\o/"');
    expect(text(serializeValue(''))).toBe('""');
    expect(text(serializeValue({ atom: '\\Seen' }))).toBe('\\Seen');
  });

  it('uses literals for CR/LF, NUL, 8-bit, long strings and Buffers', () => {
    expect(text(serializeValue('a\r\nb'))).toBe('{4}\r\na\r\nb');
    expect(text(serializeValue('Grüße'))).toBe('{7}\r\nGrüße');
    expect(text(serializeValue('x\0'))).toBe('{2}\r\nx\0');
    expect(text(serializeValue('y'.repeat(2000)))).toBe(`{2000}\r\n${'y'.repeat(2000)}`);
    expect(text(serializeValue(Buffer.from('raw')))).toBe('{3}\r\nraw');
  });

  it('serializes nested lists with single spaces', () => {
    expect(text(serializeValue([{ atom: '\\Seen' }, [1, null, 'x'], []]))).toBe('(\\Seen (1 NIL "x") ())');
  });

  it('rejects numbers IMAP cannot carry', () => {
    expect(() => serializeValue(-1)).toThrow(RangeError);
    expect(() => serializeValue(1.5)).toThrow(RangeError);
  });

  it('writes untagged, tagged and continuation lines', () => {
    expect(text(untagged(3, { atom: 'FETCH' }, [{ atom: 'UID' }, 7, { atom: 'FLAGS' }, [{ atom: '\\Seen' }]]))).toBe('* 3 FETCH (UID 7 FLAGS (\\Seen))\r\n');
    expect(text(untagged({ atom: 'LIST' }, [{ atom: '\\HasNoChildren' }], '/', 'INBOX'))).toBe('* LIST (\\HasNoChildren) "/" "INBOX"\r\n');
    expect(text(tagged('A1', 'OK', 'APPEND completed', 'APPENDUID 38505 3955'))).toBe('A1 OK [APPENDUID 38505 3955] APPEND completed\r\n');
    expect(text(tagged('A2', 'BAD', 'bad\r\nA3 OK forged'))).toBe('A2 BAD bad A3 OK forged\r\n');
    expect(text(untaggedStatus('OK', 'ready', 'CAPABILITY IMAP4rev1'))).toBe('* OK [CAPABILITY IMAP4rev1] ready\r\n');
    expect(text(continuation('Ready'))).toBe('+ Ready\r\n');
  });

  it('quotes strings', () => {
    expect(quoteString('a"b\\c')).toBe('"a\\"b\\\\c"');
  });
});
