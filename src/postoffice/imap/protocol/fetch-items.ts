// FETCH attributes (RFC 3501 §6.4.5, §9 `fetch-att`, `section`, RFC 7162 MODSEQ): the ALL/FAST/FULL
// macros, simple items, and `BODY[section]<partial>` / `BODY.PEEK[...]` with the section grammar
// `1.2.HEADER`, `1.2.MIME`, `HEADER.FIELDS (A B)`, `HEADER.FIELDS.NOT (A B)`, `TEXT`; RFC 3516 `BINARY[part]<partial>`,
// `BINARY.PEEK[part]<partial>` and `BINARY.SIZE[part]` (section-binary: part numbers only).
import type { BodySection, FetchItem, Token } from './protocol-types.ts';
import { ProtocolSyntaxError } from './protocol-syntax-error.ts';
import { tokenToNumber } from './token-values.ts';
import { canQuote, quoteString } from './response-writer.ts';

const SIMPLE_ITEMS = ['FLAGS', 'UID', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODYSTRUCTURE', 'BODY', 'RFC822',
  'RFC822.HEADER', 'RFC822.TEXT', 'MODSEQ'] as const;

const MACROS: Record<string, FetchItem[]> = {
  FAST: [{ kind: 'FLAGS' }, { kind: 'INTERNALDATE' }, { kind: 'RFC822.SIZE' }],
  ALL: [{ kind: 'FLAGS' }, { kind: 'INTERNALDATE' }, { kind: 'RFC822.SIZE' }, { kind: 'ENVELOPE' }],
  FULL: [{ kind: 'FLAGS' }, { kind: 'INTERNALDATE' }, { kind: 'RFC822.SIZE' }, { kind: 'ENVELOPE' }, { kind: 'BODY' }],
};

/** The FETCH attribute argument: one macro, one item, or a parenthesized list of items. */
export function parseFetchItems(tokens: Token[]): FetchItem[] {
  if (tokens.length !== 1) throw new ProtocolSyntaxError('expected one fetch attribute or a parenthesized list of them');
  const token = tokens[0];
  if (token.type === 'atom') {
    const macro = MACROS[token.value.toUpperCase()];
    return macro ? macro.map((item) => ({ ...item })) : [parseFetchItem(token)];
  }
  if (token.type !== 'list') throw new ProtocolSyntaxError('expected fetch attributes (atom or parenthesized list)');
  if (token.items.length === 0) throw new ProtocolSyntaxError('empty fetch attribute list');
  return token.items.map(parseFetchItem);
}

function parseFetchItem(token: Token): FetchItem {
  if (token.type !== 'atom') throw new ProtocolSyntaxError('expected a fetch attribute such as FLAGS or BODY.PEEK[]');
  const text = token.value;
  const upper = text.toUpperCase();
  const simple = SIMPLE_ITEMS.find((name) => name === upper);
  if (simple) return { kind: simple };
  const binary = /^(BINARY|BINARY\.PEEK|BINARY\.SIZE)\[(.*)\](?:<([0-9]+)\.([0-9]+)>)?$/is.exec(text);
  if (binary) return parseBinaryItem(binary[1].toUpperCase(), binary[2], binary[3], binary[4]);
  const match = /^(BODY|BODY\.PEEK)\[(.*)\](?:<([0-9]+)\.([0-9]+)>)?$/is.exec(text);
  if (!match) {
    if (MACROS[upper]) throw new ProtocolSyntaxError(`${upper} is a macro and cannot appear inside a list`);
    throw new ProtocolSyntaxError(`unknown fetch attribute "${text}"`);
  }
  const item: FetchItem = { kind: 'BODY[]', peek: match[1].length > 4, section: parseSection(match[2]) };
  if (match[3] !== undefined) item.partial = parsePartial(match[3], match[4]);
  return item;
}

/** `<offset.length>` of a partial fetch (RFC 3501 §6.4.5). */
function parsePartial(offsetText: string, lengthText: string | undefined): { offset: number; length: number } {
  const offset = tokenToNumber({ type: 'atom', value: offsetText }, 'partial offset');
  const length = tokenToNumber({ type: 'atom', value: lengthText ?? '' }, 'partial length');
  if (length === 0) throw new ProtocolSyntaxError('partial length must be greater than zero');
  return { offset, length };
}

/** RFC 3516 §4.2 BINARY items: `section-binary = "[" [section-part] "]"`, a partial only for BINARY(.PEEK). */
function parseBinaryItem(name: string, sectionText: string, offsetText: string | undefined, lengthText: string | undefined): FetchItem {
  const part: number[] = [];
  if (sectionText !== '') {
    for (const number of sectionText.split('.')) {
      if (!/^[1-9][0-9]{0,8}$/.test(number)) {
        throw new ProtocolSyntaxError(`invalid ${name} section "${sectionText}": only part numbers such as 1 or 2.1 are allowed (RFC 3516)`);
      }
      part.push(Number(number));
    }
  }
  if (name === 'BINARY.SIZE') {
    if (offsetText !== undefined) throw new ProtocolSyntaxError('BINARY.SIZE takes no partial range');
    return { kind: 'BINARY.SIZE', part };
  }
  const item: FetchItem = { kind: 'BINARY[]', peek: name === 'BINARY.PEEK', part };
  if (offsetText !== undefined) item.partial = parsePartial(offsetText, lengthText);
  return item;
}

/** The text between `[` and `]` of BODY[...] (RFC 3501 §9 `section-spec`). */
export function parseSection(text: string): BodySection {
  const part: number[] = [];
  let rest = text;
  const partMatch = /^([0-9]+(?:\.[0-9]+)*)(?:\.|$)/.exec(rest);
  if (partMatch) {
    for (const number of partMatch[1].split('.')) {
      if (!/^[1-9][0-9]{0,8}$/.test(number)) throw new ProtocolSyntaxError(`invalid section "${text}": part numbers start at 1`);
      part.push(Number(number));
    }
    rest = rest.slice(partMatch[0].length);
    if (partMatch[0].endsWith('.') && rest === '') throw new ProtocolSyntaxError(`invalid section "${text}": trailing "."`);
  }
  if (rest === '') return { part, specifier: null };
  const upper = rest.toUpperCase();
  if (upper === 'HEADER' || upper === 'TEXT') return { part, specifier: upper };
  if (upper === 'MIME') {
    if (part.length === 0) throw new ProtocolSyntaxError('MIME section needs a part number, e.g. BODY[1.MIME]');
    return { part, specifier: 'MIME' };
  }
  const fieldsMatch = /^(HEADER\.FIELDS(?:\.NOT)?) \((.*)\)$/is.exec(rest);
  if (!fieldsMatch) throw new ProtocolSyntaxError(`invalid section "${text}": expected HEADER, HEADER.FIELDS (...), HEADER.FIELDS.NOT (...), TEXT or MIME`);
  const fields = parseHeaderList(fieldsMatch[2], text);
  return { part, specifier: fieldsMatch[1].toUpperCase() as 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT', fields };
}

/** `header-list`: field names separated by single spaces, each an atom or a quoted string. */
function parseHeaderList(text: string, section: string): string[] {
  const fields: string[] = [];
  let position = 0;
  while (position < text.length) {
    if (fields.length > 0) {
      if (text[position] !== ' ') throw new ProtocolSyntaxError(`invalid header list in "${section}"`);
      position++;
    }
    if (text[position] === '"') {
      let value = '';
      position++;
      while (position < text.length && text[position] !== '"') {
        if (text[position] === '\\') position++;
        value += text[position] ?? '';
        position++;
      }
      if (text[position] !== '"') throw new ProtocolSyntaxError(`unterminated quoted field name in "${section}"`);
      position++;
      fields.push(value);
      continue;
    }
    const end = text.indexOf(' ', position);
    const value = text.slice(position, end === -1 ? text.length : end);
    if (!/^[!-9;-~]+$/.test(value) || /[()[\]"{]/.test(value)) throw new ProtocolSyntaxError(`invalid header field name "${value}" in "${section}"`);
    fields.push(value);
    position += value.length;
  }
  if (fields.length === 0) throw new ProtocolSyntaxError(`empty header list in "${section}"`);
  return fields;
}

/** FETCH modifiers after the attributes (RFC 7162 §3.1.4 CHANGEDSINCE, §3.2.6 VANISHED). */
export function parseFetchModifiers(token: Token | undefined): { changedSince?: number; vanished: boolean } {
  if (token === undefined) return { vanished: false };
  if (token.type !== 'list') throw new ProtocolSyntaxError('expected FETCH modifiers in parentheses, e.g. (CHANGEDSINCE 5)');
  const result: { changedSince?: number; vanished: boolean } = { vanished: false };
  for (let index = 0; index < token.items.length; index++) {
    const name = token.items[index];
    const upper = name.type === 'atom' ? name.value.toUpperCase() : '';
    if (upper === 'CHANGEDSINCE') {
      result.changedSince = tokenToNumber(token.items[++index], 'CHANGEDSINCE mod-sequence', Number.MAX_SAFE_INTEGER);
    } else if (upper === 'VANISHED') {
      result.vanished = true;
    } else {
      throw new ProtocolSyntaxError('unknown FETCH modifier: expected CHANGEDSINCE or VANISHED');
    }
  }
  return result;
}

/** The section text as it appears between the brackets of a FETCH response, e.g. `1.2.HEADER.FIELDS (From)`. */
export function formatSection(section: BodySection): string {
  const parts = section.part.join('.');
  const specifier = section.specifier ? `${parts ? '.' : ''}${section.specifier}` : '';
  const fields = section.fields
    ? ` (${section.fields.map((field) => (/^[!#-'*-9;-Z^-z|}~]+$/.test(field) || !canQuote(field) ? field : quoteString(field))).join(' ')})`
    : '';
  return `${parts}${specifier}${fields}`;
}

/**
 * The name a FETCH response gives an item (RFC 3501 §7.4.2): `BODY.PEEK[...]` answers as `BODY[...]`,
 * and a partial fetch `<o.n>` answers as `<o>`.
 */
export function fetchResponseLabel(item: FetchItem): string {
  if (item.kind === 'BINARY[]') return `BINARY[${item.part.join('.')}]${item.partial ? `<${item.partial.offset}>` : ''}`;
  if (item.kind === 'BINARY.SIZE') return `BINARY.SIZE[${item.part.join('.')}]`;
  if (item.kind !== 'BODY[]') return item.kind;
  return `BODY[${formatSection(item.section)}]${item.partial ? `<${item.partial.offset}>` : ''}`;
}
