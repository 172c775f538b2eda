// Mailing lists of the post office: the built-in `team@<domain>` (every agent and every human) and the lists
// of the config (`lists: [{ name, members, description }]`). A list address expands at delivery into its
// member accounts (smtp/delivery.ts); the stored copy carries RFC 2919 List-Id and RFC 2369 List-Post.
//
// Rules, checked once at start (a bad config is refused with the list named):
// - a list name may not be the local part of an account (or postmaster/abuse), nor `team` (built in);
// - members are local parts or addresses of accounts of this post office. Foreign members are refused:
//   a list reachable from the unauthenticated inbound port must never turn into an open relay.
//
// Layering: lists sit below accounts/ (the account directory routes list addresses through MailingLists), so
// this file knows accounts only as the plain {address, kind} records the directory hands it.
import type { ListConfig } from '../../config/config-schema.ts';

/** The built-in list of everybody (agents and humans). */
export const TEAM_LIST_NAME = 'team';

/** Local parts that already route somewhere (RFC 2142 role addresses). */
const RESERVED_LOCAL_PARTS = ['postmaster', 'abuse'];

export interface MailingList {
  /** Local part, lower case (`team`, `reviewers`). */
  name: string;
  /** `name@domain`, lower case. */
  address: string;
  description: string | undefined;
  /** Member account addresses, lower case, in config order. */
  members: string[];
  /** True for team@. */
  builtIn: boolean;
}

/** What a list needs to know of an account (the directory's AccountInfo records have this shape). */
export interface ListableAccount {
  /** Full lower-case address. */
  address: string;
  /** 'human', 'agent' or 'system': team@ takes humans and agents. */
  kind: string;
}

export class MailingListConfigError extends Error {
  override name = 'MailingListConfigError';
}

export class MailingLists {
  readonly domain: string;
  readonly #byAddress: Map<string, MailingList>;
  readonly #kinds: Map<string, string>;

  private constructor(domain: string, lists: MailingList[], accounts: readonly ListableAccount[]) {
    this.domain = domain;
    this.#byAddress = new Map(lists.map((list) => [list.address, list]));
    this.#kinds = new Map(accounts.map((account) => [account.address, account.kind]));
  }

  /** Builds team@ and the configured lists; throws MailingListConfigError for clashes and unknown members. */
  static build(domain: string, configured: ListConfig[], accounts: readonly ListableAccount[]): MailingLists {
    const lowerDomain = domain.toLowerCase();
    const accountAddresses = new Set(accounts.map((account) => account.address));
    const team: MailingList = {
      name: TEAM_LIST_NAME,
      address: `${TEAM_LIST_NAME}@${lowerDomain}`,
      description: 'Everybody: every agent and every human',
      members: accounts.filter((account) => account.kind === 'agent' || account.kind === 'human').map((account) => account.address),
      builtIn: true,
    };
    if (accountAddresses.has(team.address)) {
      throw new MailingListConfigError(`the account ${team.address} clashes with the built-in list ${team.address} (every agent and human): rename the account`);
    }
    const lists = [team];
    for (const [index, entry] of configured.entries()) {
      const name = entry.name.toLowerCase();
      const address = `${name}@${lowerDomain}`;
      const where = `lists[${index}] "${entry.name}"`;
      if (name === TEAM_LIST_NAME) throw new MailingListConfigError(`${where}: "team" is the built-in list of every agent and human; choose another name`);
      if (accountAddresses.has(address) || RESERVED_LOCAL_PARTS.includes(name)) {
        throw new MailingListConfigError(`${where}: the name clashes with the account ${address}; a list and an account cannot share an address`);
      }
      if (lists.some((list) => list.address === address)) throw new MailingListConfigError(`${where}: a list named "${name}" is defined twice`);
      const members: string[] = [];
      for (const member of entry.members) {
        const memberAddress = member.includes('@') ? member.trim().toLowerCase() : `${member.trim().toLowerCase()}@${lowerDomain}`;
        if (!accountAddresses.has(memberAddress)) {
          throw new MailingListConfigError(`${where}: member "${member}" is not an account of this post office (members must be local agents or humans)`);
        }
        if (!members.includes(memberAddress)) members.push(memberAddress);
      }
      lists.push({ name, address, description: entry.description, members, builtIn: false });
    }
    return new MailingLists(lowerDomain, lists, accounts);
  }

  /** The list behind `address` (any case), or undefined. */
  find(address: string): MailingList | undefined {
    return this.#byAddress.get(address.trim().toLowerCase());
  }

  /** True for team@<domain>: the address that means "every agent and human". */
  isTeam(address: string): boolean {
    return this.find(address)?.builtIn === true;
  }

  /** The agent accounts a list covers (empty for an unknown address). */
  agentMembers(address: string): string[] {
    return (this.find(address)?.members ?? []).filter((member) => this.#kinds.get(member) === 'agent');
  }

  all(): MailingList[] {
    return [...this.#byAddress.values()];
  }
}
