// Test helpers for the IMAP command parser: feed bytes in chunks, collect every non-`need-more` result,
// and turn tokens into compact plain values so table cases stay readable.
import { CommandParser, type CommandParserOptions } from '../../src/postoffice/imap/protocol/command-parser.ts';
import type { ParseResult, Token } from '../../src/postoffice/imap/protocol/protocol-types.ts';

/** atom -> 'TEXT', quoted -> { str }, literal -> { lit }, NIL -> null, list -> array. */
export type PlainToken = string | { str: string } | { lit: string } | null | PlainToken[];

export function plain(token: Token): PlainToken {
  switch (token.type) {
    case 'atom': return token.value;
    case 'nil': return null;
    case 'list': return token.items.map(plain);
    case 'string': return token.literal ? { lit: token.value.toString('utf8') } : { str: token.value.toString('utf8') };
  }
}

export type PlainResult =
  | { kind: 'need-literal'; size: number }
  | { kind: 'request'; tag: string; name: string; uid: boolean; args: PlainToken[] }
  | { kind: 'line'; text: string }
  | { kind: 'error'; tag: string | undefined; fatal: boolean };

export function plainResult(result: ParseResult): PlainResult {
  switch (result.kind) {
    case 'request': {
      const { tag, name, uid, args } = result.request;
      return { kind: 'request', tag, name, uid, args: args.map(plain) };
    }
    case 'error': return { kind: 'error', tag: result.tag, fatal: result.fatal === true };
    case 'need-more': throw new Error('need-more is not collected');
    default: return result;
  }
}

/** Feeds `input` in chunks of `chunkSize` bytes, draining next() after each push. */
export function feed(input: Buffer | string, chunkSize = Infinity, options?: CommandParserOptions, parser = new CommandParser(options)): ParseResult[] {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const results: ParseResult[] = [];
  const step = Number.isFinite(chunkSize) ? chunkSize : Math.max(1, bytes.length);
  for (let offset = 0; offset < bytes.length; offset += step) {
    parser.push(bytes.subarray(offset, offset + step));
    for (let guard = 0; guard < 100_000; guard++) {
      const result = parser.next();
      if (result.kind === 'need-more') break;
      results.push(result);
    }
  }
  return results;
}

export function feedPlain(input: Buffer | string, chunkSize = Infinity, options?: CommandParserOptions): PlainResult[] {
  return feed(input, chunkSize, options).map(plainResult);
}
