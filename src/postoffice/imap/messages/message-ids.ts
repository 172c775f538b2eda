// Message IDs in Message-ID, References and In-Reply-To values (RFC 5322 §3.6.4 `msg-id`), normalised the way
// THREAD compares them (RFC 5256 §3 step 1): white space and comments inside the brackets dropped, a quoted
// id-left unquoted; an id without "@" is not valid and skipped, as Dovecot does.

/** The valid ids of a header value, in order, without angle brackets. */
export function messageIdsIn(value: string): string[] {
  const ids: string[] = [];
  for (const match of value.matchAll(/<([^<>]*)>/g)) {
    const inner = match[1]!
      .replace(/\((?:[^()\\]|\\.)*\)/g, '')
      .replace(/"((?:[^"\\]|\\.)*)"/g, (_quoted, text: string) => text.replace(/\\(.)/g, '$1'))
      .replace(/[ \t\r\n]+/g, '');
    const at = inner.indexOf('@');
    if (at > 0 && at < inner.length - 1) ids.push(inner);
  }
  return ids;
}
