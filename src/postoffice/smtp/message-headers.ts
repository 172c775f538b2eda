// Reads what the SMTP servers need from a message header (RFC 5322 §3.6): trace fields for loop detection
// (RFC 5321 §6.3), the originator addresses for the submission sender check (RFC 6409 §6.1), Message-ID;
// and removes fields we must not trust from the client (our own X-Mailswarm-* trust markers).
// Everything else stays byte for byte.
import addressparser from 'nodemailer/lib/addressparser';
import { findField, findFields, parseHeaderBlock } from '../mime/header-fields.ts';

/** Header fields only this post office may write; any copy arriving from a client is removed. */
export const TRUST_HEADER = 'X-Mailswarm-Trust';
export const AUTHENTICATED_AS_HEADER = 'X-Mailswarm-Authenticated-As';
/** Written by the guard rails (src/postoffice/guards): hop count, governance command, release by a human. */
export const GUARD_HEADERS = ['X-Mailswarm-Hop', 'X-Mailswarm-Command', 'X-Mailswarm-Released'];
export const PROTECTED_HEADERS = [TRUST_HEADER, AUTHENTICATED_AS_HEADER, ...GUARD_HEADERS];

export interface HeaderSummary {
  receivedCount: number;
  hasMessageId: boolean;
  /** Lower-case addresses of all From fields (groups flattened); empty when there is no From field. */
  fromAddresses: string[];
  /** Lower-case addresses of the Sender field, empty when absent. */
  senderAddresses: string[];
}

function addressesOf(values: string[]): string[] {
  return values.flatMap((value) => addressparser(value, { flatten: true }).map((mailbox) => mailbox.address.trim().toLowerCase()));
}

export function summarizeHeader(raw: Buffer): HeaderSummary {
  const { fields } = parseHeaderBlock(raw, 0, raw.length);
  return {
    receivedCount: findFields(fields, 'Received').length,
    hasMessageId: findField(fields, 'Message-ID') !== undefined,
    fromAddresses: addressesOf(findFields(fields, 'From').map((field) => field.value)),
    senderAddresses: addressesOf(findFields(fields, 'Sender').map((field) => field.value)),
  };
}

/** The message without the named header fields (case-insensitive); the same Buffer when none is present. */
export function removeHeaderFields(raw: Buffer, names: string[]): Buffer {
  const wanted = new Set(names.map((name) => name.toLowerCase()));
  const { fields } = parseHeaderBlock(raw, 0, raw.length);
  const doomed = fields.filter((field) => wanted.has(field.name.toLowerCase()));
  if (doomed.length === 0) return raw;
  const pieces: Buffer[] = [];
  let offset = 0;
  for (const field of doomed) {
    pieces.push(raw.subarray(offset, field.start));
    offset = field.end;
  }
  pieces.push(raw.subarray(offset));
  return Buffer.concat(pieces);
}
