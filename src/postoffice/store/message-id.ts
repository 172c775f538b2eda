// Extracts the Message-ID (RFC 5322 §3.6.4) from raw message bytes for thread look-ups: the first
// `Message-ID:` field of the header block, unfolded (RFC 5322 §2.2.3), trimmed, without angle brackets.

// A header block larger than this is not a real mail header; stop looking rather than scan 25 MiB bodies.
const MAX_HEADER_BYTES = 1024 * 1024;

export function extractMessageId(raw: Buffer): string | null {
  const header = headerBlock(raw);
  const lines = header.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const colon = line.indexOf(':');
    if (colon <= 0 || line.slice(0, colon).trim().toLowerCase() !== 'message-id') continue;
    let value = line.slice(colon + 1);
    // Unfold: continuation lines start with white space.
    while (index + 1 < lines.length && /^[ \t]/.test(lines[index + 1]!)) {
      value += lines[++index];
    }
    return normalizeMessageId(value);
  }
  return null;
}

/** `  <abc@host> ` → `abc@host`; a value without brackets is trimmed; empty → null. */
export function normalizeMessageId(value: string): string | null {
  const trimmed = value.trim();
  const bracketed = /<([^<>]*)>/.exec(trimmed);
  const id = (bracketed ? bracketed[1]! : trimmed).trim();
  return id.length > 0 ? id : null;
}

function headerBlock(raw: Buffer): string {
  const limit = Math.min(raw.length, MAX_HEADER_BYTES);
  const window = raw.subarray(0, limit);
  const crlfEnd = window.indexOf('\r\n\r\n');
  const lfEnd = window.indexOf('\n\n');
  const ends = [crlfEnd, lfEnd].filter((end) => end >= 0);
  const end = ends.length > 0 ? Math.min(...ends) : limit;
  // latin1 maps every byte to one character, so a stray 8-bit byte cannot break the split.
  return window.subarray(0, end).toString('latin1');
}
