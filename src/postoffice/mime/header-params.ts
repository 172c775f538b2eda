// Parses parameterized header values: Content-Type (RFC 2045 §5.1) and Content-Disposition (RFC 2183), with
// quoted-strings and RFC 2231 continuations/charsets (`filename*0*=utf-8''a%20b; filename*1=c`). Never throws.

import { decodeCharset } from './charset-decode.ts';
import { decodeEncodedWords } from './encoded-words.ts';

export interface ParameterizedValue {
  /** The leading value as written, trimmed (`text/plain`, `attachment`); empty when missing. */
  value: string;
  /** Decoded parameters, names lower-cased, RFC 2231 pieces joined and charset-decoded. */
  params: Record<string, string>;
  /** Parameters as BODYSTRUCTURE lists them (Dovecot style): names lower-cased, RFC 2231 continuations merged;
   *  a merged extended value keeps the `name*` form `charset'language'percent-encoded`. Plain parameters come
   *  first, then RFC 2231 ones, each in header order (Dovecot's order). */
  listParams: Array<[string, string]>;
}

interface RawParam {
  name: string;
  value: string;
}

/** Splits `a=b; c="d;e"` into name/value pairs, honouring quoted-strings and dropping (comments). */
function splitParams(text: string): RawParam[] {
  const params: RawParam[] = [];
  let index = 0;
  while (index < text.length) {
    while (index < text.length && /[;\s]/.test(text[index]!)) index++;
    const nameStart = index;
    while (index < text.length && text[index] !== '=' && text[index] !== ';') index++;
    const name = text.slice(nameStart, index).trim().toLowerCase();
    if (text[index] !== '=') continue; // `; foo ;` without a value: ignored like other servers do
    index++;
    while (index < text.length && /\s/.test(text[index]!)) index++;
    let value = '';
    if (text[index] === '"') {
      index++;
      while (index < text.length && text[index] !== '"') {
        if (text[index] === '\\' && index + 1 < text.length) index++;
        value += text[index];
        index++;
      }
      index++; // closing quote (or end of text for an unterminated string)
      while (index < text.length && text[index] !== ';') index++;
    } else {
      const valueStart = index;
      while (index < text.length && text[index] !== ';') index++;
      value = text.slice(valueStart, index).replace(/\([^()]*\)/g, '').trim();
    }
    if (name.length > 0) params.push({ name, value });
  }
  return params;
}

function percentDecode(text: string): Buffer {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index++) {
    if (text[index] === '%' && /^[0-9A-Fa-f]{2}$/.test(text.slice(index + 1, index + 3))) {
      bytes.push(parseInt(text.slice(index + 1, index + 3), 16));
      index += 2;
    } else bytes.push(...Buffer.from(text[index]!, 'utf8'));
  }
  return Buffer.from(bytes);
}

/** RFC 2231 `attribute-char` percent-encoding for a plain continuation joined into an extended value. */
function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) =>
      byte > 0x20 && byte < 0x7f && !`*'%()<>@,;:\\"/[]?=`.includes(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

interface Piece {
  index: number;
  extended: boolean;
  value: string;
}

/** Parses `leading; name=value; ...`. */
export function parseParameterizedValue(header: string | undefined): ParameterizedValue {
  if (header === undefined) return { value: '', params: {}, listParams: [] };
  const firstSemicolon = header.indexOf(';');
  const value = (firstSemicolon === -1 ? header : header.slice(0, firstSemicolon)).replace(/\([^()]*\)/g, '').trim();
  const rawParams = firstSemicolon === -1 ? [] : splitParams(header.slice(firstSemicolon + 1));

  const order: string[] = [];
  const pieces = new Map<string, Piece[]>();
  for (const param of rawParams) {
    const match = /^(.*?)\*(?:(\d+)(\*)?|)$/.exec(param.name);
    // `name*` is a single extended piece; `name*N` / `name*N*` continuations; anything else is plain.
    const base = match ? match[1]! : param.name;
    const piece: Piece = match
      ? { index: match[2] === undefined ? 0 : Number(match[2]), extended: match[2] === undefined || match[3] === '*', value: param.value }
      : { index: 0, extended: false, value: param.value };
    if (!pieces.has(base)) {
      pieces.set(base, []);
      order.push(base);
    }
    const list = pieces.get(base)!;
    if (!match && list.length > 0) continue; // duplicate plain parameter: first one wins
    list.push(piece);
  }

  const params: Record<string, string> = {};
  const listParams: Array<[string, string]> = [];
  const extendedParams: Array<[string, string]> = [];
  for (const base of order) {
    const list = pieces.get(base)!.sort((left, right) => left.index - right.index);
    const anyExtended = list.some((piece) => piece.extended);
    if (!anyExtended) {
      const joined = list.map((piece) => piece.value).join('');
      params[base] = decodeEncodedWords(joined);
      listParams.push([base, joined]);
      continue;
    }
    // The first extended piece carries `charset'language'`.
    let charset = '';
    let language = '';
    const bytes: Buffer[] = [];
    let encoded = '';
    list.forEach((piece, position) => {
      let text = piece.value;
      if (piece.extended && position === 0) {
        const parts = /^([^']*)'([^']*)'(.*)$/s.exec(text);
        if (parts) {
          charset = parts[1]!;
          language = parts[2]!;
          text = parts[3]!;
        }
      }
      if (piece.extended) {
        bytes.push(percentDecode(text));
        encoded += text;
      } else {
        bytes.push(Buffer.from(text, 'utf8'));
        encoded += percentEncode(text);
      }
    });
    params[base] = decodeCharset(Buffer.concat(bytes), charset || 'utf-8');
    extendedParams.push([`${base}*`, `${charset}'${language}'${encoded}`]);
  }
  return { value, params, listParams: [...listParams, ...extendedParams] };
}
