// ATOM-CHAR and ASTRING-CHAR in the command parser (RFC 3501 §9): every CHAR except atom-specials is an atom
// character; `[` is one of them and only `]` is a resp-special (still allowed in an astring). A `[` only opens
// a section that may hold spaces and parentheses after BODY, BODY.PEEK, BINARY, BINARY.PEEK and BINARY.SIZE
// (RFC 3501 §6.4.5, RFC 3516). Every case is also fed one byte at a time.
import { describe, expect, it } from 'vitest';
import { feedPlain, type PlainResult, type PlainToken } from './parser-harness.ts';

/** The non-alphanumeric ATOM-CHARs but `/`, as conformance suites send them. */
const ATOM_SPECIMEN = "!#$&'+,-.0123456789:;<=>?@^_`|[}";

function request(tag: string, name: string, args: PlainToken[]): PlainResult {
  return { kind: 'request', tag, name, uid: false, args };
}

function parsesTo(input: string, expected: PlainResult[]): void {
  expect(feedPlain(input)).toEqual(expected);
  expect(feedPlain(input, 1)).toEqual(expected);
}

describe('atom characters', () => {
  it('reads the conformance mailbox name as one atom in SELECT and LIST', () => {
    parsesTo(`A1 SELECT ${ATOM_SPECIMEN}\r\n`, [request('A1', 'SELECT', [ATOM_SPECIMEN])]);
    parsesTo(`A2 LIST "" ${ATOM_SPECIMEN}%*\r\n`, [request('A2', 'LIST', [{ str: '' }, `${ATOM_SPECIMEN}%*`])]);
    parsesTo(`A3 CREATE ${ATOM_SPECIMEN}~\r\n`, [request('A3', 'CREATE', [`${ATOM_SPECIMEN}~`])]);
  });

  it('takes every ATOM-CHAR into an atom, and `]` into an astring', () => {
    const atomSpecials = new Set(['(', ')', '{', ' ', '%', '*', '"', '\\', ']']);
    for (let code = 0x21; code < 0x7f; code++) {
      const character = String.fromCharCode(code);
      if (atomSpecials.has(character)) continue;
      const name = `x${character}y`;
      expect({ character, results: feedPlain(`A1 SELECT ${name}\r\n`, 1) }).toEqual({ character, results: [request('A1', 'SELECT', [name])] });
    }
    // ASTRING-CHAR = ATOM-CHAR / resp-specials: `]` alone, leading, or after a `[` that opens nothing.
    parsesTo('A1 SELECT ]\r\n', [request('A1', 'SELECT', [']'])]);
    parsesTo('A1 SELECT a]b [ x[y]z\r\n', [request('A1', 'SELECT', ['a]b', '[', 'x[y]z'])]);
  });

  it('keeps spaces and parentheses of BODY/BINARY sections inside the one fetch attribute', () => {
    parsesTo('A1 FETCH 1 (BODY.PEEK[HEADER.FIELDS (From To)]<0.100> body[1.mime] BINARY.PEEK[1] BINARY.SIZE[2] FLAGS)\r\n', [
      request('A1', 'FETCH', ['1', ['BODY.PEEK[HEADER.FIELDS (From To)]<0.100>', 'body[1.mime]', 'BINARY.PEEK[1]', 'BINARY.SIZE[2]', 'FLAGS']]),
    ]);
    parsesTo('A2 FETCH 1 BODY[HEADER.FIELDS.NOT (X-A X-B)]\r\n', [request('A2', 'FETCH', ['1', 'BODY[HEADER.FIELDS.NOT (X-A X-B)]'])]);
  });

  it('treats `[` elsewhere as an ordinary character: keywords, search values, flag lists', () => {
    parsesTo('A1 STORE 1 +FLAGS (a[b $x[)\r\n', [request('A1', 'STORE', ['1', '+FLAGS', ['a[b', '$x[']])]);
    parsesTo('A2 SEARCH SUBJECT [urgent] FROM x[y\r\n', [request('A2', 'SEARCH', ['SUBJECT', '[urgent]', 'FROM', 'x[y'])]);
    parsesTo('A3 SEARCH SUBJECT [a b]\r\n', [request('A3', 'SEARCH', ['SUBJECT', '[a', 'b]'])]);
  });

  it('still refuses an unterminated section and goes on with the next command', () => {
    const noop = request('Z9', 'NOOP', []);
    for (const broken of ['A1 FETCH 1 BODY[HEADER\r\n', 'A1 FETCH 1 (BINARY[1 FLAGS)\r\n']) {
      expect(feedPlain(`${broken}Z9 NOOP\r\n`, 1)).toEqual([{ kind: 'error', tag: 'A1', fatal: false }, noop]);
    }
  });
});
