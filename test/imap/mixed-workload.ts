// The random command mix of the concurrency test and the mixed-workload benchmark: STORE and UID STORE of
// system flags and keywords, EXPUNGE and UID EXPUNGE, APPEND, FETCH and UID FETCH, SEARCH, NOOP, drawn by a
// seeded generator from the client's own view of the mailbox, so every command is one a correct client may
// send (sequence numbers it knows, UIDs it was told). A failure is reproduced by re-running with the seed.
import type { MailboxViewClient } from './mailbox-view-client.ts';

/** mulberry32: small, fast and good enough to pick commands; the same seed gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

const FLAGS = ['\\Seen', '\\Flagged', '\\Answered', '\\Draft', '$label1', '$Forwarded', '$Junk', 'Work'];

export interface MixOptions {
  /** Below this many messages APPEND is drawn more often, above `maximumMessages` never. */
  minimumMessages: number;
  maximumMessages: number;
}

export const DEFAULT_MIX: MixOptions = { minimumMessages: 20, maximumMessages: 200 };

/** One command a correct client may send now, given its view: the text and, for APPEND, the literal. */
export function nextCommand(client: MailboxViewClient, random: () => number, options: MixOptions = DEFAULT_MIX): { text: string; literal?: string } {
  const count = client.messages.length;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const range = (): string => {
    const first = 1 + Math.floor(random() * count);
    const last = Math.min(count, first + Math.floor(random() * 4));
    return first === last ? `${first}` : `${first}:${last}`;
  };
  const knownUids = (): string | undefined => {
    const uids = client.messages.map((message) => message.uid).filter((uid) => uid !== undefined);
    if (uids.length === 0) return undefined;
    const start = Math.floor(random() * uids.length);
    return uids.slice(start, start + 1 + Math.floor(random() * 3)).join(',');
  };
  const append = (): { text: string; literal: string } => {
    const flags = random() < 0.5 ? '' : `(${pick(FLAGS)}) `;
    const subject = `mix ${client.name} ${client.commands} ${Math.floor(random() * 1e9)}`;
    return {
      text: `APPEND INBOX ${flags}`.trimEnd(),
      literal: `From: mix@swarm.local\r\nTo: inbox@swarm.local\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replaceAll(' ', '.')}@swarm.local>\r\n\r\n${'A line of body text for the mixed workload.\r\n'.repeat(1 + Math.floor(random() * 20))}`,
    };
  };
  if (count < options.minimumMessages && random() < 0.5) return append();
  const roll = random();
  if (count === 0) return roll < 0.7 ? append() : { text: 'NOOP' };
  if (roll < 0.2) return { text: `FETCH ${range()} (${pick(['UID FLAGS', 'FLAGS', 'UID RFC822.SIZE FLAGS', 'UID FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)]', 'BODY.PEEK[]'])})` };
  if (roll < 0.27) {
    const uids = knownUids();
    return { text: `UID FETCH ${uids ?? '1:*'} (FLAGS)` };
  }
  if (roll < 0.42) {
    // \Deleted goes on single messages, so EXPUNGE keeps the mailbox near a steady size.
    const flag = random() < 0.3 ? '\\Deleted' : pick(FLAGS);
    const set = flag === '\\Deleted' ? `${1 + Math.floor(random() * count)}` : range();
    return { text: `STORE ${set} ${pick(['+FLAGS', '+FLAGS', '-FLAGS', '+FLAGS.SILENT'])} (${flag})` };
  }
  if (roll < 0.5) {
    const uids = knownUids();
    if (uids !== undefined) return { text: `UID STORE ${uids} ${pick(['+FLAGS', '-FLAGS'])} (${pick(FLAGS)})` };
    return { text: 'NOOP' };
  }
  if (roll < 0.56) return { text: 'EXPUNGE' };
  if (roll < 0.6) {
    const uids = knownUids();
    return uids === undefined ? { text: 'EXPUNGE' } : { text: `UID EXPUNGE ${uids}` };
  }
  if (roll < 0.72) return count >= options.maximumMessages ? { text: 'NOOP' } : append();
  if (roll < 0.84) return { text: `SEARCH ${pick(['UNSEEN', 'DELETED', 'FLAGGED', 'KEYWORD $label1', 'UNKEYWORD $Junk', 'SUBJECT mix', 'ALL'])}` };
  if (roll < 0.88) return { text: `UID SEARCH ${pick(['SEEN', 'UNDELETED'])}` };
  return { text: 'NOOP' };
}

/** Runs the mix on one selected client until `deadline` (performance.now() scale); resolves with the commands sent. */
export async function runMix(client: MailboxViewClient, random: () => number, deadline: number, now: () => number, options: MixOptions = DEFAULT_MIX): Promise<number> {
  let sent = 0;
  while (now() < deadline) {
    const command = nextCommand(client, random, options);
    await client.command(command.text, command.literal);
    sent += 1;
  }
  return sent;
}
