// Regressions found by the parser fuzz (command-parser-fuzz.test.ts): the parser's answer to a line must
// not depend on how TCP cut it into reads (RFC 3501 §2.2: a command is a byte stream, not packets).
import { describe, expect, it } from 'vitest';
import { feedPlain } from './parser-harness.ts';

describe('command parser: the same answer however the bytes arrive', () => {
  it('accepts a line of exactly the limit also when its CR and LF arrive in different reads', () => {
    const line = 'a1 NOOP 12345678'; // 16 bytes
    const options = { maxLineBytes: 16 };
    const expected = [{ kind: 'request', tag: 'a1', name: 'NOOP', uid: false, args: ['12345678'] }];
    expect(feedPlain(`${line}\r\n`, Infinity, options)).toEqual(expected);
    expect(feedPlain(`${line}\r\n`, 17, options)).toEqual(expected); // CR in the first read, LF in the second
    expect(feedPlain(`${line}\r\n`, 1, options)).toEqual(expected);
    expect(feedPlain(`${line}x\r\n`, 1, options)).toEqual([{ kind: 'error', tag: 'a1', fatal: false }]);
  });

  it('ends the session on an over-long line announcing an unskippable literal, even when the line came in pieces', () => {
    // Before: split reads answered "line too long", then ran the literal's bytes as commands.
    const input = `a1 APPEND INBOX "${'x'.repeat(100)}" {99999999999999999999+}\r\na2 DELETE INBOX\r\n`;
    const options = { maxLineBytes: 64 };
    for (const chunkSize of [Infinity, 1, 7, 70]) {
      expect(feedPlain(input, chunkSize, options), `chunks of ${chunkSize}`).toEqual([{ kind: 'error', tag: 'a1', fatal: true }]);
    }
  });

  it('skips the non-synchronizing literal of an over-long line, however it arrives', () => {
    const input = `a1 APPEND INBOX "${'x'.repeat(100)}" {18+}\r\na2 DELETE INBOX\r\n\r\na3 NOOP\r\n`;
    for (const chunkSize of [Infinity, 1, 5, 90]) {
      expect(feedPlain(input, chunkSize, { maxLineBytes: 64 }), `chunks of ${chunkSize}`).toEqual([
        { kind: 'error', tag: 'a1', fatal: false },
        { kind: 'request', tag: 'a3', name: 'NOOP', uid: false, args: [] },
      ]);
    }
  });
});
