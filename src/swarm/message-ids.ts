// Deterministic Message-IDs for agent mail (RFC 5322 section 3.6.4 msg-id syntax). The id of the n-th mail a
// turn sends is a hash of (agent address, sorted Message-IDs of the mail the turn answers, n): a re-run of
// the same turn after a crash derives the same id, so the Sent check finds the earlier copy. Model output
// differs between runs, so it must never feed into the id.
import { createHash } from 'node:crypto';

export function deriveMessageId(agentAddress: string, incomingMessageIds: string[], outgoingIndex: number | string): string {
  const [localPart, domain] = splitAddress(agentAddress);
  const material = [agentAddress.toLowerCase(), ...[...incomingMessageIds].sort(), String(outgoingIndex)].join('\n');
  const digest = createHash('sha256').update(material).digest('hex').slice(0, 32);
  return `<${digest}.${localPart}@${domain}>`;
}

function splitAddress(address: string): [string, string] {
  const at = address.lastIndexOf('@');
  if (at <= 0) throw new Error(`not a mail address: ${address}`);
  return [address.slice(0, at).toLowerCase().replace(/[^a-z0-9._-]/g, '_'), address.slice(at + 1).toLowerCase()];
}
