// Modified UTF-7 for mailbox names (RFC 3501 §5.1.3): printable ASCII stands for itself except `&`,
// which is written `&-`; other characters are UTF-16 encoded in modified base64 (`,` for `/`, no
// padding) between `&` and `-`. Decoding rejects what §5.1.3 forbids (bad base64, non-zero padding bits,
// encoded printable ASCII, adjacent encoded runs) so each mailbox has exactly one spelling.
import { ProtocolSyntaxError } from './protocol-syntax-error.ts';

function isDirectlyPrintable(code: number): boolean {
  return code >= 0x20 && code <= 0x7e;
}

export function encodeMailboxName(utf8: string): string {
  let output = '';
  let pending = '';
  const flush = (): void => {
    if (!pending) return;
    const units = Buffer.alloc(pending.length * 2);
    for (let index = 0; index < pending.length; index++) units.writeUInt16BE(pending.charCodeAt(index), index * 2);
    output += `&${units.toString('base64').replace(/=+$/, '').replace(/\//g, ',')}-`;
    pending = '';
  };
  for (const character of utf8) {
    const code = character.charCodeAt(0);
    if (isDirectlyPrintable(code)) {
      flush();
      output += character === '&' ? '&-' : character;
    } else {
      pending += character; // may be a surrogate pair: UTF-16 code units are what gets encoded
    }
  }
  flush();
  return output;
}

export function decodeMailboxName(mutf7: string): string {
  let output = '';
  let index = 0;
  let previousWasEncoded = false;
  while (index < mutf7.length) {
    const character = mutf7[index];
    const code = character.charCodeAt(0);
    if (!isDirectlyPrintable(code)) {
      throw new ProtocolSyntaxError(`mailbox name: character U+${code.toString(16).padStart(4, '0')} must be modified-UTF-7 encoded`);
    }
    if (character !== '&') {
      output += character;
      index++;
      previousWasEncoded = false;
      continue;
    }
    const end = mutf7.indexOf('-', index + 1);
    if (end === -1) throw new ProtocolSyntaxError('mailbox name: "&" without closing "-" (write "&-" for a literal "&")');
    const encoded = mutf7.slice(index + 1, end);
    index = end + 1;
    if (encoded === '') {
      output += '&';
      previousWasEncoded = false;
      continue;
    }
    if (previousWasEncoded) throw new ProtocolSyntaxError('mailbox name: two adjacent modified-UTF-7 runs');
    output += decodeRun(encoded);
    previousWasEncoded = true;
  }
  return output;
}

function decodeRun(encoded: string): string {
  if (!/^[A-Za-z0-9+,]+$/.test(encoded)) throw new ProtocolSyntaxError(`mailbox name: invalid modified base64 "&${encoded}-"`);
  const bitCount = encoded.length * 6;
  const byteCount = Math.floor(bitCount / 8);
  if (byteCount % 2 !== 0 || bitCount - byteCount * 8 >= 6) {
    throw new ProtocolSyntaxError(`mailbox name: "&${encoded}-" is not a whole number of UTF-16 units`);
  }
  const bytes = Buffer.from(encoded.replace(/,/g, '/'), 'base64');
  // Padding bits must be zero, otherwise two spellings would name the same mailbox.
  if (Buffer.from(bytes).toString('base64').replace(/=+$/, '') !== encoded.replace(/,/g, '/')) {
    throw new ProtocolSyntaxError(`mailbox name: "&${encoded}-" has non-zero padding bits`);
  }
  let text = '';
  for (let offset = 0; offset < bytes.length; offset += 2) {
    const unit = bytes.readUInt16BE(offset);
    if (isDirectlyPrintable(unit)) throw new ProtocolSyntaxError(`mailbox name: printable ASCII must not be encoded ("&${encoded}-")`);
    text += String.fromCharCode(unit);
  }
  if (!text.isWellFormed()) throw new ProtocolSyntaxError(`mailbox name: "&${encoded}-" holds an unpaired UTF-16 surrogate`);
  return text;
}
