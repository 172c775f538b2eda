// The directory an agent sees: its peers (name, address, role, model) and the humans of the swarm, plus
// resolution of what a model writes as a recipient ("reviewer", "Reviewer <reviewer@x>", "reviewer@x").
import type { DirectoryEntry } from '../providers/offline/turn-format.ts';
import type { MailAddress } from './parsed-mail.ts';

export class UnknownRecipientError extends Error {
  override name = 'UnknownRecipientError';
}

export class Directory {
  readonly entries: DirectoryEntry[];

  constructor(entries: DirectoryEntry[]) {
    this.entries = entries;
  }

  find(address: string): DirectoryEntry | undefined {
    const wanted = address.toLowerCase();
    return this.entries.find((entry) => entry.address.toLowerCase() === wanted);
  }

  /** Resolves a recipient as written by a model; throws a message the model can act on when unknown. */
  resolve(recipient: string): MailAddress {
    const trimmed = recipient.trim();
    const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(trimmed);
    const address = angle?.[1] ?? (/^[^\s<>@]+@[^\s<>@]+$/.test(trimmed) ? trimmed : undefined);
    if (address) {
      const known = this.find(address);
      return { address: address.toLowerCase(), name: known?.name ?? '' };
    }
    const byName = this.entries.filter((entry) => entry.name.toLowerCase() === trimmed.toLowerCase());
    const only = byName[0];
    if (byName.length === 1 && only) return { address: only.address.toLowerCase(), name: only.name };
    throw new UnknownRecipientError(`unknown recipient "${recipient}": use a full address or a name from list_directory`);
  }

  render(): string {
    return this.entries
      .map((entry) => `${entry.kind} ${entry.name} <${entry.address}>${entry.model ? ` model=${entry.model}` : ''}${entry.role ? `: ${entry.role}` : ''}`)
      .join('\n');
  }
}

export function buildDirectory(options: {
  agents: Array<{ name: string; displayName?: string | undefined; role: string; model: string }>;
  humans: Array<{ address: string; displayName?: string | undefined }>;
  domain: string;
}): Directory {
  const entries: DirectoryEntry[] = [
    ...options.agents.map((agent) => ({
      kind: 'agent' as const,
      name: agent.name,
      address: `${agent.name}@${options.domain}`.toLowerCase(),
      model: agent.model,
      role: agent.displayName ? `${agent.displayName}: ${agent.role}` : agent.role,
    })),
    ...options.humans.map((human) => ({
      kind: 'human' as const,
      name: human.address.split('@')[0] ?? human.address,
      address: human.address.toLowerCase(),
      role: human.displayName ? `human (${human.displayName})` : 'human',
    })),
  ];
  return new Directory(entries);
}
