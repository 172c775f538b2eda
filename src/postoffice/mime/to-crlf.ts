// Rewrites bare LF (and bare CR) line breaks as CRLF, the only line break RFC 5322 §2.1 and RFC 3501 §2.2 allow.
// For APPEND and delivery to call before storing: Dovecot presents Unix-format mail as CRLF, and RFC822.SIZE and
// every BODY[...] octet count must describe the bytes we actually send. This module's parser accepts both forms.

const CR = 0x0d;
const LF = 0x0a;

/** `raw` with every line break as CRLF; the same Buffer when it already is (the common case, no copy). */
export function toCrlf(raw: Buffer): Buffer {
  let bare = 0;
  for (let index = 0; index < raw.length; index++) {
    const byte = raw[index];
    if (byte === LF && raw[index - 1] !== CR) bare++;
    else if (byte === CR && raw[index + 1] !== LF) bare++;
  }
  if (bare === 0) return raw;
  const out = Buffer.allocUnsafe(raw.length + bare);
  let length = 0;
  for (let index = 0; index < raw.length; index++) {
    const byte = raw[index]!;
    if (byte === LF && raw[index - 1] !== CR) out[length++] = CR;
    out[length++] = byte;
    if (byte === CR && raw[index + 1] !== LF) out[length++] = LF;
  }
  return out.subarray(0, length);
}
