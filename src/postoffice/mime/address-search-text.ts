// The text SEARCH FROM/TO/CC/BCC match an address header against (RFC 3501 §6.4.4): the address list parsed
// as RFC 5322 §3.4 reads it and written back in one canonical form, the way Dovecot normalizes it. Comments and
// folding whitespace inside an addr-spec are gone and quoted local parts unquoted, so `carol@swarm.test` is
// found in `<carol (work) @ swarm.test>` or `"carol"@swarm.test`; display names (also from a trailing comment)
// and group names stay, RFC 2047 encoded-words decoded:
//   `Team: <dave@swarm.test>, "Erin Smith" <erin@swarm.test>;, Carol <@relay.test:carol@swarm.test>`
import { parseAddressList, type EnvelopeAddressItem } from './address-list.ts';
import { decodeEncodedWords } from './encoded-words.ts';

/** The header fields whose values are address lists (RFC 5322 §3.6.2, §3.6.3, §3.6.6). */
const ADDRESS_FIELDS: ReadonlySet<string> = new Set([
  'from', 'sender', 'reply-to', 'to', 'cc', 'bcc', 'resent-from', 'resent-sender', 'resent-to', 'resent-cc', 'resent-bcc',
]);

export function isAddressField(fieldName: string): boolean {
  return ADDRESS_FIELDS.has(fieldName.toLowerCase());
}

/** RFC 5322 §3.2.3 atext: a name made only of these (no space) is written without quotes. */
const ATEXT = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\u{10ffff}]+$/u;

function displayName(name: string): string {
  // Encoded-words may not sit inside quotes (RFC 2047 §5), so a name holding one is written as it is.
  if (ATEXT.test(name) || name.includes('=?')) return name;
  return `"${name.replace(/["\\]/g, '\\$&')}"`;
}

/** Placeholders the ENVELOPE parser fills in (address-list.ts) mean "absent" here. */
function part(value: string, placeholder: string): string {
  return value === placeholder ? '' : value;
}

function mailboxText(item: Extract<EnvelopeAddressItem, { kind: 'mailbox' }>): string {
  const name = item.name === null || item.name === '' ? '' : `${displayName(item.name)} `;
  const route = item.route === null ? '' : `${item.route}:`;
  return `${name}<${route}${part(item.mailbox, 'MISSING_MAILBOX')}@${part(item.host, 'MISSING_DOMAIN')}>`;
}

/** The normalized, decoded text of one address-list header value. */
export function addressSearchText(value: string): string {
  const pieces: string[] = [];
  let group: { name: string; members: string[] } | undefined;
  for (const item of parseAddressList(value)) {
    if (item.kind === 'group-start') group = { name: item.name, members: [] };
    else if (item.kind === 'group-end') {
      if (group) pieces.push(`${group.name}:${group.members.length > 0 ? ` ${group.members.join(', ')}` : ''};`);
      group = undefined;
    } else if (group) group.members.push(mailboxText(item));
    else pieces.push(mailboxText(item));
  }
  return decodeEncodedWords(pieces.join(', '));
}
