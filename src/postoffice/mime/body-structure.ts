// Builds RFC 3501 §7.4.2 BODYSTRUCTURE (extensible: with MD5, disposition, language, location) and BODY
// (non-extensible) from a MIME tree. Sizes are octets of the still-encoded body; lines for text/* and message/rfc822.

import type { ImapValue } from '../imap/protocol/protocol-types.ts';
import { findField } from './header-fields.ts';
import type { ParameterizedValue } from './header-params.ts';
import { buildEnvelope } from './envelope.ts';
import type { MimePart } from './mime-tree.ts';

function paramList(params: Array<[string, string]>): ImapValue {
  return params.length > 0 ? params.flat() : null;
}

function fieldValue(part: MimePart, name: string): string | null {
  return findField(part.headers, name)?.value ?? null;
}

function dispositionValue(disposition: ParameterizedValue | null): ImapValue {
  // Dovecot reports `Content-Disposition: ; filename=x` as ("" ("filename" "x")); only an empty field is NIL.
  if (!disposition || (disposition.value.length === 0 && disposition.listParams.length === 0)) return null;
  return [disposition.value, paramList(disposition.listParams)];
}

/** Content-Language (RFC 3282) as a list of tags, or NIL. */
function languageValue(part: MimePart): ImapValue {
  const header = fieldValue(part, 'Content-Language');
  if (header === null) return null;
  const tags = header
    .replace(/\([^()]*\)/g, '')
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
  return tags.length > 0 ? tags : null;
}

function singlePartStructure(part: MimePart, raw: Buffer, extensible: boolean): ImapValue[] {
  const { type, subtype, listParams } = part.contentType;
  // Dovecot and Cyrus report the RFC 2045 default charset for a text part that names none.
  const params = type === 'text' && listParams.length === 0 ? paramList([['charset', 'us-ascii']]) : paramList(listParams);
  const fields: ImapValue[] = [
    type,
    subtype,
    params,
    fieldValue(part, 'Content-ID'),
    fieldValue(part, 'Content-Description'),
    part.transferEncoding ?? '7BIT',
    part.body.end - part.body.start,
  ];
  if (part.embedded) {
    fields.push(buildEnvelope(part.embedded, raw), structureOf(part.embedded, raw, extensible), part.lineCount);
  } else if (type === 'text') {
    fields.push(part.lineCount);
  }
  if (extensible) {
    fields.push(
      fieldValue(part, 'Content-MD5'),
      dispositionValue(part.disposition),
      languageValue(part),
      fieldValue(part, 'Content-Location'),
    );
  }
  return fields;
}

function multipartStructure(part: MimePart, raw: Buffer, extensible: boolean): ImapValue[] {
  const fields: ImapValue[] = part.children.map((child) => structureOf(child, raw, extensible));
  fields.push(part.contentType.subtype);
  if (extensible) {
    fields.push(
      paramList(part.contentType.listParams),
      dispositionValue(part.disposition),
      languageValue(part),
      fieldValue(part, 'Content-Location'),
    );
  }
  return fields;
}

function structureOf(part: MimePart, raw: Buffer, extensible: boolean): ImapValue[] {
  return part.contentType.type === 'multipart' && part.children.length > 0
    ? multipartStructure(part, raw, extensible)
    : singlePartStructure(part, raw, extensible);
}

/** BODYSTRUCTURE (`extensible` true) or BODY (`extensible` false) of `part`, normally the message root. */
export function buildBodyStructure(part: MimePart, raw: Buffer, extensible: boolean): ImapValue {
  return structureOf(part, raw, extensible);
}
