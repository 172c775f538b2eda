// Random token lists into every argument grammar: each either returns or throws ProtocolSyntaxError
// (never TypeError/RangeError), so the dispatcher can always answer with a tagged BAD.
import { describe, expect, it } from 'vitest';
import {
  ProtocolSyntaxError, parseDateTime, parseFetchItems, parseFetchModifiers, parseFlagList, parseSearchKeys, parseSequenceSet,
  parseStoreAction, tokenToMailbox,
} from '../../src/postoffice/imap/protocol/argument-parsers.ts';
import { decodeMailboxName } from '../../src/postoffice/imap/protocol/modified-utf7.ts';
import type { Token } from '../../src/postoffice/imap/protocol/protocol-types.ts';

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 0x100000000;
  };
}

const words = ['ALL', 'OR', 'NOT', 'FROM', 'UID', '1:*', '*', '3', '0', 'BODY[]', 'BODY.PEEK[1.MIME]<0.5>', 'FLAGS', '+FLAGS.SILENT',
  '\\Seen', '\\Recent', 'HEADER', 'SINCE', '1-Feb-1994', 'MODSEQ', 'CHARSET', 'LARGER', 'KEYWORD', 'BODY[HEADER.FIELDS (a', 'x]',
  '&ZeVnLIqe-', '&', 'UNCHANGEDSINCE', 'CHANGEDSINCE', 'FAST', '18446744073709551616', '$'];

function randomTokens(next: () => number, depth = 0): Token[] {
  const tokens: Token[] = [];
  const count = Math.floor(next() * 6);
  for (let index = 0; index < count; index++) {
    const choice = next();
    if (choice < 0.6) tokens.push({ type: 'atom', value: words[Math.floor(next() * words.length)] });
    else if (choice < 0.75) tokens.push({ type: 'string', value: Buffer.from(words[Math.floor(next() * words.length)]), literal: next() < 0.5 });
    else if (choice < 0.85) tokens.push({ type: 'nil' });
    else if (depth < 3) tokens.push({ type: 'list', items: randomTokens(next, depth + 1) });
  }
  return tokens;
}

function onlySyntaxErrors(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolSyntaxError);
  }
}

describe('argument grammar fuzz', () => {
  it('throws nothing but ProtocolSyntaxError', () => {
    const next = random(99);
    for (let round = 0; round < 1500; round++) {
      const tokens = randomTokens(next);
      onlySyntaxErrors(() => parseSearchKeys(tokens));
      onlySyntaxErrors(() => parseFetchItems(tokens));
      onlySyntaxErrors(() => parseFetchModifiers(tokens[0]));
      onlySyntaxErrors(() => parseStoreAction(tokens));
      onlySyntaxErrors(() => parseFlagList(tokens));
      onlySyntaxErrors(() => tokenToMailbox(tokens[0]));
      const text = tokens.map((token) => (token.type === 'atom' ? token.value : '')).join(next() < 0.5 ? ' ' : '');
      onlySyntaxErrors(() => parseSequenceSet(text));
      onlySyntaxErrors(() => parseDateTime(text));
      onlySyntaxErrors(() => decodeMailboxName(text));
    }
  });
});
