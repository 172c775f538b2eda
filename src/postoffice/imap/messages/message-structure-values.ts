// Renders mime/'s neutral ENVELOPE and body structure as the RFC 3501 §7.4.2 FETCH values: ENVELOPE,
// BODYSTRUCTURE (with extension data) and BODY (without). Empty parameter lists are NIL, as Dovecot sends them.
// Rendered values are kept per structure object, so a cached message renders each item once.
import type { ImapValue } from '../protocol/protocol-types.ts';
import type { BodyStructure, Envelope, EnvelopeAddress, PartDisposition } from '../../mime/index.ts';

const renderedEnvelopes = new WeakMap<Envelope, ImapValue>();
const renderedStructures = new WeakMap<BodyStructure, ImapValue>();
const renderedBodies = new WeakMap<BodyStructure, ImapValue>();

function addressList(addresses: EnvelopeAddress[] | null): ImapValue {
  return addresses === null ? null : addresses.map((address) => [address.name, address.route, address.mailbox, address.host]);
}

/** `(date subject from sender reply-to to cc bcc in-reply-to message-id)` */
export function envelopeValue(envelope: Envelope): ImapValue {
  let value = renderedEnvelopes.get(envelope);
  if (value === undefined) {
    value = [
      envelope.date,
      envelope.subject,
      addressList(envelope.from),
      addressList(envelope.sender),
      addressList(envelope.replyTo),
      addressList(envelope.to),
      addressList(envelope.cc),
      addressList(envelope.bcc),
      envelope.inReplyTo,
      envelope.messageId,
    ];
    renderedEnvelopes.set(envelope, value);
  }
  return value;
}

function paramList(params: Array<[string, string]>): ImapValue {
  return params.length > 0 ? params.flat() : null;
}

function dispositionValue(disposition: PartDisposition | null): ImapValue {
  return disposition === null ? null : [disposition.value, paramList(disposition.params)];
}

function structureFields(structure: BodyStructure, extensible: boolean): ImapValue[] {
  if (structure.kind === 'multipart') {
    const fields: ImapValue[] = structure.children.map((child) => structureFields(child, extensible));
    fields.push(structure.subtype);
    if (extensible) fields.push(paramList(structure.params), dispositionValue(structure.disposition), structure.language, structure.location);
    return fields;
  }
  const fields: ImapValue[] = [
    structure.type,
    structure.subtype,
    paramList(structure.params),
    structure.id,
    structure.description,
    structure.encoding,
    structure.size,
  ];
  if (structure.embedded) fields.push(envelopeValue(structure.embedded.envelope), structureFields(structure.embedded.structure, extensible));
  if (structure.lineCount !== undefined) fields.push(structure.lineCount);
  if (extensible) fields.push(structure.md5, dispositionValue(structure.disposition), structure.language, structure.location);
  return fields;
}

/** BODYSTRUCTURE (`extensible` true) or BODY (`extensible` false) of a message's structure. */
export function bodyStructureValue(structure: BodyStructure, extensible: boolean): ImapValue {
  const cache = extensible ? renderedStructures : renderedBodies;
  let value = cache.get(structure);
  if (value === undefined) {
    value = structureFields(structure, extensible);
    cache.set(structure, value);
  }
  return value;
}
