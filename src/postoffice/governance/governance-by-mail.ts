// Humans govern the swarm by ordinary mail. The command is the first non-empty line of the text body, the
// word alone (any case, an optional trailing "." or "!"):
//   APPROVE  in reply to a Held note (In-Reply-To = the note's Message-ID): the held message is delivered to
//            its original envelope recipients, bypassing the guard that tripped (it still counts against the
//            budgets). The APPROVE mail itself is consumed (not delivered).
//   STOP     sent to agent addresses pauses them; sent to team@<domain> pauses every agent. The post office
//            then holds their outgoing mail (rule "paused"). The STOP mail is still delivered, marked with
//            `X-Mailswarm-Command: STOP`, so the runtime can show it and pause itself.
//   RESUME   the same recipients, undoes STOP (and a token-budget pause).
// Each command is acknowledged by mail to the human. Authority comes only from the AUTHENTICATED submission
// account being a configured human: the caller passes that account, never the From text; mail from agents
// and from the inbound port (strangers) never reaches this code as a command.
// Layering: governance/ sits above guards/. The guard rails call it through guards/human-commands.ts (the
// post office plugs it in) and hand it their controls; nothing in guards/ imports this folder.
import type { AccountDirectory } from '../accounts/account-directory.ts';
import type { GuardControls, HumanCommandOutcome, HumanCommands } from '../guards/human-commands.ts';
import { COMMAND_HEADER, firstNonEmptyLine, type MessageFacts } from '../guards/message-facts.ts';
import { composePostmasterMail } from '../guards/postmaster-mail.ts';
import { postmasterMessageId } from '../guards/postmaster-ids.ts';

export type GovernanceCommand = 'APPROVE' | 'STOP' | 'RESUME';

/** The command a body starts with, or undefined. */
export function commandOf(text: string): GovernanceCommand | undefined {
  const match = /^(APPROVE|STOP|RESUME)[.!]?$/i.exec(firstNonEmptyLine(text));
  return match === null ? undefined : (match[1]!.toUpperCase() as GovernanceCommand);
}

export interface GovernanceOptions extends GuardControls {
  accounts: AccountDirectory;
}

export class GovernanceByMail implements HumanCommands {
  readonly #options: GovernanceOptions;
  readonly #domain: string;

  constructor(options: GovernanceOptions) {
    this.#options = options;
    this.#domain = options.accounts.domain;
  }

  /**
   * Executes the command in a human's submitted mail, or returns undefined when the mail is no command
   * (then it is delivered as ordinary mail). `human` must be the authenticated account.
   */
  async execute(human: string, recipients: string[], facts: MessageFacts, now: Date): Promise<HumanCommandOutcome | undefined> {
    if (this.#options.accounts.get(human)?.kind !== 'human') return undefined;
    const command = commandOf(facts.text);
    if (command === undefined) return undefined;
    if (command === 'APPROVE') return this.#approve(human, facts, now);
    return this.#stopOrResume(command, human, recipients, facts, now);
  }

  async #approve(human: string, facts: MessageFacts, now: Date): Promise<HumanCommandOutcome | undefined> {
    const heldId = facts.inReplyTo === null ? undefined : this.#options.held.heldIdOfNote(facts.inReplyTo);
    if (heldId === undefined) return undefined; // APPROVE to anything but a Held note is ordinary mail
    const held = this.#options.held.get(heldId);
    let text: string;
    let reply: string;
    if (held === undefined) {
      text = `Held message ${heldId} is no longer kept (records of held messages are removed after retention.heldDays days); nothing was delivered.`;
      await this.#acknowledge(human, `APPROVE: held message ${heldId}`, text, facts, now);
      return { kind: 'handled', reply: `2.0.0 APPROVE: held message ${heldId} is no longer kept` };
    }
    if (held.releasedAt !== null) {
      text = `Held message ${held.id} from ${held.agent} was already released by ${held.releasedBy} at ${held.releasedAt.toISOString()}; nothing was done.`;
      reply = `2.0.0 APPROVE: held message ${held.id} was already released`;
    } else {
      const delivered = await this.#options.release(held.id, human, now);
      text = `Held message ${held.id} from ${held.agent} (rule ${held.rule}) was released on your APPROVE and delivered to: ${delivered.join(', ')}.`;
      reply = `2.0.0 APPROVE: held message ${held.id} released`;
    }
    await this.#acknowledge(human, `APPROVE: held message ${held.id}`, text, facts, now);
    return { kind: 'handled', reply };
  }

  async #stopOrResume(command: 'STOP' | 'RESUME', human: string, recipients: string[], facts: MessageFacts, now: Date): Promise<HumanCommandOutcome | undefined> {
    const { accounts, pauses } = this.#options;
    const allAgents = accounts.list().filter((account) => account.kind === 'agent').map((account) => account.address);
    const toTeam = recipients.some((recipient) => this.#isTeam(recipient));
    const named = recipients.map((recipient) => recipient.toLowerCase()).filter((recipient) => accounts.get(recipient)?.kind === 'agent');
    const agents = toTeam ? allAgents : [...new Set(named)];
    if (agents.length === 0) return undefined; // STOP to a human is just mail
    for (const agent of agents) {
      if (command === 'STOP') pauses.pause(agent, `STOP by ${human}`, human, now);
      else pauses.resume(agent);
    }
    const scope = toTeam ? `every agent (${agents.join(', ')})` : agents.join(', ');
    const text =
      command === 'STOP'
        ? `Paused on your STOP: ${scope}. The post office holds their outgoing mail until you send RESUME the same way.`
        : `Resumed on your RESUME: ${scope}. Their mail is delivered again (mail held meanwhile stays in Held until approved).`;
    await this.#acknowledge(human, `${command}: ${agents.length === 1 ? agents[0] : `${agents.length} agents`}`, text, facts, now);
    return { kind: 'deliver', headerLines: [`${COMMAND_HEADER}: ${command}`], summary: `${command} ${agents.join(', ')}` };
  }

  #isTeam(address: string): boolean {
    return this.#options.accounts.lists.isTeam(address);
  }

  async #acknowledge(human: string, subject: string, text: string, facts: MessageFacts, now: Date): Promise<void> {
    const acknowledgement = await composePostmasterMail(this.#domain, {
      to: [human],
      subject: `Done: ${subject}`,
      text,
      messageId: postmasterMessageId('ack', this.#domain),
      inReplyTo: facts.messageId ?? undefined,
      references: [...facts.references, ...(facts.messageId !== null ? [facts.messageId] : [])],
      autoSubmitted: 'auto-replied',
      date: now,
    });
    this.#options.delivery.toInboxes([human], acknowledgement, now);
  }
}
