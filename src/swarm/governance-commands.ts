// STOP / RESUME sent by a human reach the agent as mail the post office marked `X-Mailswarm-Command`
// (after stripping any forged copy at both SMTP ports; issue 7 "humans govern by mail"). The post office
// already holds a paused agent's outgoing mail; the runtime honours the pause too, so a paused agent spends
// no tokens and leaves new mail unprocessed until RESUME. The state lives on the server: it is read back
// from the newest command mail in INBOX after a restart.
import type { ImapFlow } from 'imapflow';
import { searchMails } from './mailbox-operations.ts';
import type { StoredMail } from './parsed-mail.ts';

export type GovernanceCommand = 'STOP' | 'RESUME';

/** The command a mail carries, or undefined for ordinary mail (and for anything from the inbound port). */
export function governanceCommandOf(mail: Pick<StoredMail, 'command' | 'trust'>): GovernanceCommand | undefined {
  if (mail.trust === 'untrusted') return undefined;
  return mail.command === 'STOP' || mail.command === 'RESUME' ? mail.command : undefined;
}

/** Whether the newest command mail in INBOX (processed or not) paused the agent. */
export async function pausedByNewestCommand(client: ImapFlow): Promise<boolean> {
  const commands = await searchMails(client, 'INBOX', { header: { 'x-mailswarm-command': '' } }, 20);
  const newest = commands.filter((mail) => governanceCommandOf(mail) !== undefined).sort((a, b) => a.uid - b.uid).at(-1);
  return newest !== undefined && governanceCommandOf(newest) === 'STOP';
}
