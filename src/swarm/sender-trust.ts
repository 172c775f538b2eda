// Who wrote a mail, as far as the agent may trust it, and whether it may wake the agent (issue 7 "Trust").
// The post office marks everything from its inbound port `X-Mailswarm-Trust: untrusted` and everything
// submitted with AUTH `X-Mailswarm-Authenticated-As: <account>`, after stripping forged copies of both; so:
//   untrusted marker                                   -> stranger (whatever From says: it is not verified)
//   authenticated as (or, on servers that stamp nothing, From) a human of the directory -> human
//   ... an agent of the directory                      -> peer
//   anybody else                                       -> stranger
// An agent's `trust` list (agent-definition.ts, default [humans, peers]) says whose mail may wake it.
// Independently of that list, automatic mail from strangers never wakes an agent (RFC 3834 §2: bounces —
// null Return-Path, multipart/report (RFC 6522), MAILER-DAEMON — and Auto-Submitted other than "no"):
// answering it is how mail loops with the outside world start.
import type { TrustedSender } from './agent-definition.ts';
import type { Directory } from './directory.ts';
import type { StoredMail } from './parsed-mail.ts';

export type SenderClass = 'human' | 'peer' | 'stranger';

const classToTrust: Record<SenderClass, TrustedSender> = { human: 'humans', peer: 'peers', stranger: 'strangers' };

type TrustFacts = Pick<StoredMail, 'trust' | 'authenticatedAs' | 'from' | 'returnPath' | 'contentType' | 'autoSubmitted'>;

export function classifySender(mail: TrustFacts, directory: Directory): SenderClass {
  if (mail.trust === 'untrusted') return 'stranger';
  const claimed = mail.authenticatedAs ?? mail.from[0]?.address;
  const entry = claimed === undefined ? undefined : directory.find(claimed);
  if (entry?.kind === 'human') return 'human';
  if (entry?.kind === 'agent') return 'peer';
  return 'stranger';
}

/** Why this stranger's mail is automatic (a bounce or auto-submitted), or undefined. */
export function automaticMailReason(mail: TrustFacts): string | undefined {
  if (mail.returnPath === '') return 'a bounce (null return path)';
  if (/^multipart\/report\b/i.test(mail.contentType)) return 'a delivery or disposition report (multipart/report)';
  if (mail.from.some((address) => /^mailer-daemon@/i.test(address.address))) return 'a bounce (MAILER-DAEMON)';
  if (mail.autoSubmitted !== undefined && mail.autoSubmitted.toLowerCase().split(';')[0]!.trim() !== 'no') return `automatic mail (Auto-Submitted: ${mail.autoSubmitted})`;
  return undefined;
}

/** Why `mail` may not wake an agent trusting `trusted`, or undefined when it may. */
export function trustRefusal(mail: TrustFacts, trusted: readonly TrustedSender[], directory: Directory): string | undefined {
  const sender = classifySender(mail, directory);
  if (sender === 'stranger') {
    const automatic = automaticMailReason(mail);
    if (automatic !== undefined) return `${automatic} from outside the swarm never wakes an agent (RFC 3834)`;
  }
  if (!trusted.includes(classToTrust[sender])) return `sender is a ${sender}, and trust is [${trusted.join(', ')}]`;
  return undefined;
}
