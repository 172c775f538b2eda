// Renders the data items of one untagged FETCH response (RFC 3501 §6.4.5 request items, §7.4.2 response items;
// RFC 7162 §3.1.4 MODSEQ; RFC 3516 BINARY[part], BINARY.SIZE[part]). Pure: message metadata and lazily parsed
// content go in, a flat list of `name value name value ...` ImapValues comes out, ready to be wrapped as
// `* n FETCH (...)`.
import type { BodySection, FetchItem, ImapValue } from '../protocol/protocol-types.ts';
import { formatDateTime } from '../protocol/argument-parsers.ts';
import type { MessageRecord } from '../../store/store-types.ts';
import { applyPartial, extractSection } from '../../mime/index.ts';
import { bodyStructureValue, envelopeValue } from './message-structure-values.ts';
import type { ParsedMessage } from './message-cache.ts';
import { binaryContent } from './binary-section.ts';

/** One message as the renderer sees it. */
export interface FetchSubject {
  record: MessageRecord;
  /** True when the message is \Recent for this session (RFC 3501 §2.3.2). */
  recent: boolean;
  /** Raw bytes and parse; only called when an item needs content, so FLAGS/UID fetches never read bodies. */
  content(): ParsedMessage;
}

const WHOLE_HEADER: BodySection = { part: [], specifier: 'HEADER' };
const WHOLE_TEXT: BodySection = { part: [], specifier: 'TEXT' };

/** True when fetching these items reads message bytes (not just store metadata). */
export function needsContent(items: readonly FetchItem[]): boolean {
  return items.some((item) => !['FLAGS', 'UID', 'INTERNALDATE', 'RFC822.SIZE', 'MODSEQ'].includes(item.kind));
}

/** True when these items implicitly set \Seen (RFC 3501 §6.4.5: BODY[...] without PEEK, RFC822, RFC822.TEXT). */
export function setsSeenFlag(items: readonly FetchItem[]): boolean {
  return items.some((item) => item.kind === 'RFC822' || item.kind === 'RFC822.TEXT' || ((item.kind === 'BODY[]' || item.kind === 'BINARY[]') && !item.peek));
}

/**
 * The section spec as the response names it: `1.2.HEADER.FIELDS (FROM TO)`, `TEXT`, `` for the whole message.
 * Field names are upper-cased, as Dovecot does; clients match them case-insensitively.
 */
export function sectionLabel(section: BodySection): string {
  const path = section.part.join('.');
  if (section.specifier === null) return path;
  let specifier: string = section.specifier;
  if (section.specifier === 'HEADER.FIELDS' || section.specifier === 'HEADER.FIELDS.NOT') {
    specifier += ` (${(section.fields ?? []).map((field) => field.toUpperCase()).join(' ')})`;
  }
  return path.length > 0 ? `${path}.${specifier}` : specifier;
}

/** `BODY[section]` or `BODY[section]<origin>`: a partial response names only the origin octet (§7.4.2). */
export function bodyResponseName(section: BodySection, partial: { offset: number } | undefined): string {
  const origin = partial === undefined ? '' : `<${partial.offset}>`;
  return `BODY[${sectionLabel(section)}]${origin}`;
}

/** The flag list of a message for this session: stored flags plus \Recent when the session holds it. */
export function flagList(record: MessageRecord, recent: boolean): ImapValue[] {
  const flags: ImapValue[] = record.flags.map((flag) => ({ atom: flag }));
  if (recent) flags.push({ atom: '\\Recent' });
  return flags;
}

/** The MODSEQ item's value (RFC 7162 §3.1.4.1): a parenthesized list with one mod-sequence. */
export function modseqValue(record: MessageRecord): ImapValue[] {
  return [record.modseq];
}

const EMPTY = Buffer.alloc(0);

/** The section's bytes; a section the message does not have (part 9 of a two-part message) is empty, as in Dovecot. */
function sectionBytes(subject: FetchSubject, section: BodySection): Buffer {
  const parsed = subject.content();
  // The whole message needs no MIME tree: Thunderbird's chunked BODY.PEEK[]<n.65536> downloads stay parse-free.
  if (section.part.length === 0 && section.specifier === null) return parsed.raw;
  return extractSection(parsed.raw, parsed.analysis.tree, section) ?? EMPTY;
}

/** Decoded BINARY content: a literal8 when it holds NUL bytes, which a plain literal may not carry (RFC 3516 §4.2). */
function binaryValue(bytes: Buffer): ImapValue {
  return bytes.includes(0) ? { literal8: bytes } : bytes;
}

function binaryBytes(subject: FetchSubject, part: number[]): Buffer {
  const parsed = subject.content();
  return binaryContent(parsed.raw, parsed.analysis.tree, part);
}

/** The `name value` pairs for `items`, in request order, each name at most once. */
export function renderFetchItems(items: readonly FetchItem[], subject: FetchSubject): ImapValue[] {
  const output: ImapValue[] = [];
  const written = new Set<string>();
  const add = (name: string, value: () => ImapValue): void => {
    if (written.has(name)) return;
    written.add(name);
    output.push({ atom: name }, value());
  };
  for (const item of items) {
    switch (item.kind) {
      case 'FLAGS':
        add('FLAGS', () => flagList(subject.record, subject.recent));
        break;
      case 'UID':
        add('UID', () => subject.record.uid);
        break;
      case 'INTERNALDATE':
        add('INTERNALDATE', () => formatDateTime(subject.record.internalDate));
        break;
      case 'RFC822.SIZE':
        add('RFC822.SIZE', () => subject.record.size);
        break;
      case 'MODSEQ':
        add('MODSEQ', () => modseqValue(subject.record));
        break;
      case 'ENVELOPE':
        add('ENVELOPE', () => envelopeValue(subject.content().analysis.envelope));
        break;
      case 'BODYSTRUCTURE':
        add('BODYSTRUCTURE', () => bodyStructureValue(subject.content().analysis.bodyStructure, true));
        break;
      case 'BODY':
        add('BODY', () => bodyStructureValue(subject.content().analysis.bodyStructure, false));
        break;
      case 'RFC822':
        add('RFC822', () => subject.content().raw);
        break;
      case 'RFC822.HEADER':
        add('RFC822.HEADER', () => sectionBytes(subject, WHOLE_HEADER));
        break;
      case 'RFC822.TEXT':
        add('RFC822.TEXT', () => sectionBytes(subject, WHOLE_TEXT));
        break;
      case 'BODY[]':
        add(bodyResponseName(item.section, item.partial), () => applyPartial(sectionBytes(subject, item.section), item.partial));
        break;
      case 'BINARY[]':
        // The partial origin is named as BODY's is (`BINARY[1]<0>`), as Dovecot answers.
        add(`BINARY[${item.part.join('.')}]${item.partial ? `<${item.partial.offset}>` : ''}`, () => binaryValue(applyPartial(binaryBytes(subject, item.part), item.partial)));
        break;
      case 'BINARY.SIZE':
        add(`BINARY.SIZE[${item.part.join('.')}]`, () => binaryBytes(subject, item.part).length);
        break;
      default: {
        const unknown: never = item;
        throw new Error(`unhandled fetch item ${JSON.stringify(unknown)}`);
      }
    }
  }
  return output;
}
