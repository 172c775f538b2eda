// Untagged status responses (RFC 3501 §7.1: OK, NO, BAD, BYE with an optional response code) and the
// one-line text they carry: a message from an error or a client must never break the response framing.

/** `* OK [CODE] text` — an untagged status response (RFC 3501 §7.1). */
export function statusLine(status: 'OK' | 'NO' | 'BAD' | 'BYE', text: string, code?: string): Buffer {
  return Buffer.from(`* ${status} ${code ? `[${code}] ` : ''}${oneLine(text)}\r\n`);
}

/** Human-readable text fit for one response line: CR/LF would end the response early, non-ASCII is not allowed in it. */
export function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[^\x20-\x7e]/g, '?');
}
