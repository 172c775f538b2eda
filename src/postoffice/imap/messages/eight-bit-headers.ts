// Whether a message's header section holds 8-bit octets (raw UTF-8 in header fields, RFC 6532). RFC 6855 §4:
// a server offering UTF8=ACCEPT must refuse such an APPEND from a client that has not enabled it.
const LINE_FEED = 0x0a;

/** True when an octet >= 0x80 occurs before the blank line that ends the header section. */
export function hasEightBitHeader(raw: Buffer): boolean {
  let lineStart = 0;
  for (let index = 0; index < raw.length; index++) {
    const byte = raw[index]!;
    if (byte >= 0x80) return true;
    if (byte !== LINE_FEED) continue;
    const lineLength = index - lineStart - (index > lineStart && raw[index - 1] === 0x0d ? 1 : 0);
    if (lineLength === 0) return false;
    lineStart = index + 1;
  }
  return false;
}
