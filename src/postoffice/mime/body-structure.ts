// Builds the RFC 3501 §7.4.2 body structure of a MIME tree as a neutral structure that imap/messages/ renders
// as BODYSTRUCTURE (with extension data: MD5, disposition, language, location) or BODY (without). Sizes are
// octets of the still-encoded body; line counts for text/* and message/rfc822.

import { findField } from './header-fields.ts';
import type { ParameterizedValue } from './header-params.ts';
import { buildEnvelope, type Envelope } from './envelope.ts';
import type { MimePart } from './mime-tree.ts';

/** Content-Disposition: its value (may be empty, as Dovecot reports `; filename=x`) and parameters in order. */
export interface PartDisposition {
  value: string;
  params: Array<[string, string]>;
}

/** Extension data that BODYSTRUCTURE sends and BODY leaves out. */
interface PartExtension {
  disposition: PartDisposition | null;
  /** Content-Language tags (RFC 3282), or null when absent or empty. */
  language: string[] | null;
  location: string | null;
}

export interface SinglePartStructure extends PartExtension {
  kind: 'single';
  type: string;
  subtype: string;
  params: Array<[string, string]>;
  id: string | null;
  description: string | null;
  encoding: string;
  size: number;
  /** Lines of a text/* or message/rfc822 body; undefined for other types. */
  lineCount?: number;
  /** The embedded message of a message/rfc822 part. */
  embedded?: { envelope: Envelope; structure: BodyStructure };
  md5: string | null;
}

export interface MultipartStructure extends PartExtension {
  kind: 'multipart';
  children: BodyStructure[];
  subtype: string;
  params: Array<[string, string]>;
}

export type BodyStructure = SinglePartStructure | MultipartStructure;

function fieldValue(part: MimePart, name: string): string | null {
  return findField(part.headers, name)?.value ?? null;
}

function dispositionOf(disposition: ParameterizedValue | null): PartDisposition | null {
  // Dovecot reports `Content-Disposition: ; filename=x` as ("" ("filename" "x")); only an empty field is NIL.
  if (!disposition || (disposition.value.length === 0 && disposition.listParams.length === 0)) return null;
  return { value: disposition.value, params: disposition.listParams };
}

/** Content-Language (RFC 3282) as a list of tags, or null. */
function languageOf(part: MimePart): string[] | null {
  const header = fieldValue(part, 'Content-Language');
  if (header === null) return null;
  const tags = header
    .replace(/\([^()]*\)/g, '')
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
  return tags.length > 0 ? tags : null;
}

function extensionOf(part: MimePart): PartExtension {
  return { disposition: dispositionOf(part.disposition), language: languageOf(part), location: fieldValue(part, 'Content-Location') };
}

function singlePartStructure(part: MimePart, raw: Buffer): SinglePartStructure {
  const { type, subtype, listParams } = part.contentType;
  const structure: SinglePartStructure = {
    kind: 'single',
    type,
    subtype,
    // Dovecot and Cyrus report the RFC 2045 default charset for a text part that names none.
    params: type === 'text' && listParams.length === 0 ? [['charset', 'us-ascii']] : listParams,
    id: fieldValue(part, 'Content-ID'),
    description: fieldValue(part, 'Content-Description'),
    encoding: part.transferEncoding ?? '7BIT',
    size: part.body.end - part.body.start,
    md5: fieldValue(part, 'Content-MD5'),
    ...extensionOf(part),
  };
  if (part.embedded) {
    structure.embedded = { envelope: buildEnvelope(part.embedded, raw), structure: structureOf(part.embedded, raw) };
    structure.lineCount = part.lineCount;
  } else if (type === 'text') {
    structure.lineCount = part.lineCount;
  }
  return structure;
}

function structureOf(part: MimePart, raw: Buffer): BodyStructure {
  if (part.contentType.type === 'multipart' && part.children.length > 0) {
    return {
      kind: 'multipart',
      children: part.children.map((child) => structureOf(child, raw)),
      subtype: part.contentType.subtype,
      params: part.contentType.listParams,
      ...extensionOf(part),
    };
  }
  return singlePartStructure(part, raw);
}

/** The body structure of `part`, normally the message root. */
export function buildBodyStructure(part: MimePart, raw: Buffer): BodyStructure {
  return structureOf(part, raw);
}
