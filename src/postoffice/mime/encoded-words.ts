// Decodes RFC 2047 encoded-words (`=?charset?B|Q?text?=`, with RFC 2231 §5 `*language`) in header values for
// SEARCH. Whitespace between two adjacent encoded-words is dropped (RFC 2047 §6.2); malformed words stay as written.

import { decodeCharset } from './charset-decode.ts';

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

function decodeQ(text: string): Buffer {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === '_') bytes.push(0x20);
    else if (char === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(index + 1, index + 3))) {
      bytes.push(parseInt(text.slice(index + 1, index + 3), 16));
      index += 2;
    } else bytes.push(char.charCodeAt(0) & 0xff);
  }
  return Buffer.from(bytes);
}

/** Returns `value` with every encoded-word decoded. Adjacent words' raw bytes are joined before charset decoding
 *  so a multi-byte character split across two words (common with UTF-8 B-words) decodes correctly. */
export function decodeEncodedWords(value: string): string {
  let result = '';
  let lastEnd = 0;
  let pending: { charset: string; bytes: Buffer[] } | null = null;
  const flushPending = (): void => {
    if (pending) result += decodeCharset(Buffer.concat(pending.bytes), pending.charset.split('*')[0]);
    pending = null;
  };
  for (const match of value.matchAll(ENCODED_WORD)) {
    const [whole, charset, encoding, text] = match as unknown as [string, string, string, string];
    const between = value.slice(lastEnd, match.index);
    const adjacent = pending !== null && /^[ \t\r\n]*$/.test(between);
    if (!adjacent) {
      flushPending();
      result += between;
    }
    const bytes = encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : decodeQ(text);
    const current = pending as { charset: string; bytes: Buffer[] } | null;
    if (current && current.charset.toLowerCase() === charset.toLowerCase()) current.bytes.push(bytes);
    else {
      flushPending();
      pending = { charset, bytes: [bytes] };
    }
    lastEnd = match.index + whole.length;
  }
  flushPending();
  return result + value.slice(lastEnd);
}
