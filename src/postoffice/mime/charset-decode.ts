// Turns bytes in a MIME charset (RFC 2045 §5.1 `charset`, RFC 2047, RFC 2231) into a JS string with the
// WHATWG decoders Node ships (UTF-8, ISO-8859-*, windows-125x, KOI8, GBK/GB18030, Big5, Shift_JIS, EUC-*, ISO-2022-JP).

const decoders = new Map<string, TextDecoder | null>();

function decoderFor(charset: string): TextDecoder | null {
  const label = charset.trim().toLowerCase();
  const cached = decoders.get(label);
  if (cached !== undefined) return cached;
  let decoder: TextDecoder | null;
  try {
    decoder = new TextDecoder(label === 'us-ascii' || label === 'ascii' ? 'utf-8' : label);
  } catch {
    // RangeError means "label not supported" (e.g. UTF-7); the caller falls back to UTF-8.
    decoder = null;
  }
  decoders.set(label, decoder);
  return decoder;
}

/** Decodes `bytes` in `charset`; unknown or missing charsets are read as UTF-8 (replacement chars for bad bytes). */
export function decodeCharset(bytes: Uint8Array, charset: string | undefined): string {
  const decoder = charset ? decoderFor(charset) : null;
  return (decoder ?? decoderFor('utf-8')!).decode(bytes);
}
