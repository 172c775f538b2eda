// APPEND arguments with MULTIAPPEND (RFC 3502 `append = "APPEND" SP mailbox 1*append-message`,
// `append-message = [SP flag-list] [SP date-time] SP literal`), literal8 message data (RFC 3516 §4.4, `~{n}`)
// the UTF8 form of RFC 6855 §4 (`UTF8 (literal8)`: a message whose header fields hold UTF-8), and the CATENATE
// form of RFC 4469 (`CATENATE (...)` in place of the literal), which is handed on unparsed.
import type { Token } from './protocol-types.ts';
import { ProtocolSyntaxError } from './protocol-syntax-error.ts';
import { parseDateTime } from './date-time.ts';
import { parseFlagList } from './flag-list.ts';
import { tokenToString } from './token-values.ts';

export type AppendData =
  /** `binary`: sent as literal8, so it may hold NUL bytes (RFC 3516 §4.4); `utf8`: sent as `UTF8 (literal8)`. */
  | { kind: 'literal'; bytes: Buffer; binary: boolean; utf8?: boolean }
  /** RFC 4469 `CATENATE (cat-part ...)`: the parts as tokens, for the command to resolve. */
  | { kind: 'catenate'; parts: Token[] };

export interface AppendMessage {
  flags: string[];
  internalDate: Date | undefined;
  data: AppendData;
}

/** The messages after the mailbox argument, in order; at least one. */
export function parseAppendMessages(tokens: Token[]): AppendMessage[] {
  const messages: AppendMessage[] = [];
  let index = 0;
  while (index < tokens.length) {
    let flags: string[] = [];
    let internalDate: Date | undefined;
    if (tokens[index]?.type === 'list') flags = parseFlagList(tokens[index++]!);
    const dateToken = tokens[index];
    if (dateToken?.type === 'string' && !dateToken.literal && index + 1 < tokens.length) internalDate = parseDateTime(tokenToString(tokens[index++], 'date-time'));
    const data = tokens[index];
    if (data?.type === 'string' && data.literal) {
      messages.push({ flags, internalDate, data: { kind: 'literal', bytes: data.value, binary: data.binary === true } });
      index++;
      continue;
    }
    if (data?.type === 'atom' && data.value.toUpperCase() === 'UTF8' && tokens[index + 1]?.type === 'list') {
      messages.push({ flags, internalDate, data: { ...utf8Literal(tokens[index + 1] as { items: Token[] }), kind: 'literal', utf8: true } });
      index += 2;
      continue;
    }
    if (data?.type === 'atom' && data.value.toUpperCase() === 'CATENATE' && tokens[index + 1]?.type === 'list') {
      messages.push({ flags, internalDate, data: { kind: 'catenate', parts: (tokens[index + 1] as { items: Token[] }).items } });
      index += 2;
      continue;
    }
    throw new ProtocolSyntaxError('APPEND expects, for each message, optional (flags), an optional "date-time" and the message as a literal');
  }
  if (messages.length === 0) throw new ProtocolSyntaxError('APPEND expects a message literal after the mailbox name');
  return messages;
}

/** RFC 6855 §4 `utf8-literal = "UTF8" SP "(" literal8 ")"` (a plain literal is taken too, as Dovecot does). */
export function utf8Literal(list: { items: Token[] }): { bytes: Buffer; binary: boolean } {
  const [literal, ...rest] = list.items;
  if (literal?.type !== 'string' || !literal.literal || rest.length > 0) {
    throw new ProtocolSyntaxError('UTF8 expects one literal8 in parentheses: UTF8 (~{n}...)');
  }
  return { bytes: literal.value, binary: literal.binary === true };
}
