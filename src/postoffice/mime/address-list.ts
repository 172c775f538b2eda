// Parses RFC 5322 §3.4 address lists (mailboxes, angle-addrs with obsolete routes, groups, comments) into the
// items RFC 3501 §7.4.2 ENVELOPE lists. Values stay as written: quotes removed from phrases, encoded-words kept.

export type EnvelopeAddressItem =
  | { kind: 'mailbox'; name: string | null; route: string | null; mailbox: string; host: string }
  | { kind: 'group-start'; name: string }
  | { kind: 'group-end' };

interface Token {
  kind: 'atom' | 'quoted' | 'comment' | 'angle' | 'special';
  /** Text as written (quoted-strings keep their quotes, angle tokens keep `<>`). */
  raw: string;
  /** Text with quotes/escapes or comment parentheses removed. */
  text: string;
}

const SPECIALS = ',:;@<>()"[]';

function tokenize(value: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < value.length) {
    const char = value[index]!;
    if (/\s/.test(char)) {
      index++;
    } else if (char === '"') {
      let text = '';
      let end = index + 1;
      while (end < value.length && value[end] !== '"') {
        if (value[end] === '\\' && end + 1 < value.length) end++;
        text += value[end];
        end++;
      }
      tokens.push({ kind: 'quoted', raw: value.slice(index, end + 1), text });
      index = end + 1;
    } else if (char === '(') {
      let depth = 0;
      let end = index;
      for (; end < value.length; end++) {
        if (value[end] === '\\') end++;
        else if (value[end] === '(') depth++;
        else if (value[end] === ')' && --depth === 0) break;
      }
      const raw = value.slice(index, end + 1);
      tokens.push({ kind: 'comment', raw, text: raw.slice(1, -1).trim() });
      index = end + 1;
    } else if (char === '<') {
      const close = value.indexOf('>', index);
      const end = close === -1 ? value.length : close + 1;
      const raw = value.slice(index, end);
      tokens.push({ kind: 'angle', raw, text: raw.replace(/^<|>$/g, '') });
      index = end;
    } else if (char === '[') {
      const close = value.indexOf(']', index);
      const end = close === -1 ? value.length : close + 1;
      tokens.push({ kind: 'atom', raw: value.slice(index, end), text: value.slice(index, end) });
      index = end;
    } else if (SPECIALS.includes(char)) {
      tokens.push({ kind: 'special', raw: char, text: char });
      index++;
    } else {
      let end = index;
      while (end < value.length && !/\s/.test(value[end]!) && !SPECIALS.includes(value[end]!)) end++;
      tokens.push({ kind: 'atom', raw: value.slice(index, end), text: value.slice(index, end) });
      index = end;
    }
  }
  return tokens;
}

const MISSING_MAILBOX = 'MISSING_MAILBOX';
const MISSING_DOMAIN = 'MISSING_DOMAIN';

/** `"odd one"@x` has the mailbox `odd one`: quotes and backslash escapes go, as Dovecot reports it. */
function unquoteLocalPart(local: string): string {
  return local.replace(/"((?:[^"\\]|\\.)*)"/g, (_whole, inner: string) => inner.replace(/\\(.)/g, '$1'));
}

/** The text without its RFC 5322 §3.2.2 comments (nested, with escapes); quoted strings are kept whole. */
function withoutComments(text: string): string {
  let output = '';
  let depth = 0;
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === '\\' && (quoted || depth > 0)) {
      if (depth === 0) output += text.slice(index, index + 2);
      index++;
    } else if (depth === 0 && char === '"') {
      quoted = !quoted;
      output += char;
    } else if (!quoted && char === '(') depth++;
    else if (!quoted && char === ')' && depth > 0) depth--;
    else if (depth === 0) output += char;
  }
  return output;
}

/** Splits an addr-spec `local@domain` (possibly with an obsolete route `@a,@b:`) into its envelope fields. */
function splitAddrSpec(spec: string): { route: string | null; mailbox: string; host: string } {
  let route: string | null = null;
  // Comments and folding whitespace are not part of an addr-spec (`<carol (work) @ (mail) swarm.test>` is
  // carol@swarm.test, as Dovecot reports it), except inside a quoted local part.
  let rest = withoutComments(spec).replace(/("(?:[^"\\]|\\.)*")|\s+/g, (_whole, quoted: string | undefined) => quoted ?? '');
  const routeMatch = /^(@[^:]*):(.*)$/.exec(rest);
  if (routeMatch) {
    route = routeMatch[1]!;
    rest = routeMatch[2]!;
  }
  const at = rest.lastIndexOf('@');
  const local = at === -1 ? rest : rest.slice(0, at);
  const domain = at === -1 ? '' : rest.slice(at + 1);
  // A missing part gets Dovecot's placeholder: a NIL host would read as "group start" (RFC 3501 §7.4.2).
  return { route, mailbox: unquoteLocalPart(local) || MISSING_MAILBOX, host: domain || MISSING_DOMAIN };
}

function phrase(tokens: Token[]): string | null {
  const words = tokens.filter((token) => token.kind === 'atom' || token.kind === 'quoted');
  const text = words
    .map((token) => token.text)
    .join(' ')
    .trim();
  return text.length > 0 ? text : null;
}

function mailboxFrom(tokens: Token[]): EnvelopeAddressItem | null {
  const meaningful = tokens.filter((token) => token.kind !== 'comment');
  if (meaningful.length === 0) return null;
  const angleIndex = tokens.findIndex((token) => token.kind === 'angle');
  if (angleIndex !== -1) {
    const spec = splitAddrSpec(tokens[angleIndex]!.text);
    return { kind: 'mailbox', name: phrase(tokens.slice(0, angleIndex)), ...spec };
  }
  // Bare addr-spec: the (last) comment, if any, is the display name, as Dovecot and Cyrus report it.
  const comments = tokens.filter((token) => token.kind === 'comment' && token.text.length > 0);
  const spec = splitAddrSpec(meaningful.map((token) => token.raw).join(''));
  return { kind: 'mailbox', name: comments.length > 0 ? comments[comments.length - 1]!.text : null, ...spec };
}

/** Parses an address-list header value. Unparseable pieces are skipped; never throws. */
export function parseAddressList(value: string): EnvelopeAddressItem[] {
  const items: EnvelopeAddressItem[] = [];
  let current: Token[] = [];
  let inGroup = false;
  const flush = (): void => {
    const mailbox = mailboxFrom(current);
    if (mailbox) items.push(mailbox);
    current = [];
  };
  for (const token of tokenize(value)) {
    if (token.kind === 'special' && token.raw === ':' && !inGroup) {
      items.push({ kind: 'group-start', name: phrase(current) ?? '' });
      current = [];
      inGroup = true;
    } else if (token.kind === 'special' && token.raw === ';' && inGroup) {
      flush();
      items.push({ kind: 'group-end' });
      inGroup = false;
    } else if (token.kind === 'special' && token.raw === ',') {
      flush();
    } else if (token.kind === 'special' && token.raw === ';') {
      // A stray `;` outside a group: ignore it.
    } else current.push(token);
  }
  flush();
  if (inGroup) items.push({ kind: 'group-end' }); // unterminated group
  return items;
}
