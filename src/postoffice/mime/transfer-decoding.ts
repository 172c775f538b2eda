// Undoes RFC 2045 §6 Content-Transfer-Encoding (base64 §6.8, quoted-printable §6.7); 7bit/8bit/binary and
// unknown encodings pass through unchanged. Lenient: broken escapes are kept as written, never thrown on.

function decodeQuotedPrintable(bytes: Buffer): Buffer {
  const out = Buffer.alloc(bytes.length);
  let length = 0;
  const isHex = (byte: number | undefined): boolean =>
    byte !== undefined && ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66));
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index]!;
    if (byte !== 0x3d) {
      out[length++] = byte;
      continue;
    }
    const next = bytes[index + 1];
    if (isHex(next) && isHex(bytes[index + 2])) {
      out[length++] = parseInt(String.fromCharCode(next!, bytes[index + 2]!), 16);
      index += 2;
      continue;
    }
    // Soft line break: `=` then optional transport padding then CRLF or LF.
    let probe = index + 1;
    while (bytes[probe] === 0x20 || bytes[probe] === 0x09) probe++;
    if (bytes[probe] === 0x0d && bytes[probe + 1] === 0x0a) index = probe + 1;
    else if (bytes[probe] === 0x0a) index = probe;
    else if (probe >= bytes.length) index = probe;
    else out[length++] = byte;
  }
  return out.subarray(0, length);
}

/** Decodes `bytes` according to a Content-Transfer-Encoding value (null means 7bit). */
export function decodeTransferEncoding(bytes: Buffer, encoding: string | null): Buffer {
  switch ((encoding ?? '7bit').trim().toLowerCase()) {
    case 'base64':
      // Node's decoder skips line breaks and other characters outside the alphabet, as RFC 2045 §6.8 asks.
      return Buffer.from(bytes.toString('latin1'), 'base64');
    case 'quoted-printable':
      return decodeQuotedPrintable(bytes);
    default:
      return bytes;
  }
}
