// The account directory of the post office: who may log in (IMAP LOGIN/AUTHENTICATE, SMTP AUTH), which
// addresses are local, and where mail to them goes. Passwords are held only as scrypt hashes.
//
// Routing: every account receives its own mail. postmaster@<domain> (RFC 5321 §4.5.1) and abuse@<domain>
// (RFC 2142) are delivered to every human account, because the humans are the operators; the postmaster
// account itself (kind 'system', no password, cannot log in) only receives them when there is no human.
// Mailing lists (team@ and the config's lists, lists/mailing-lists.ts) deliver to their member accounts.
import type { MailswarmConfig } from '../../config/config-schema.ts';
import { MailingLists } from '../lists/mailing-lists.ts';
import type { AccountDirectoryApi, AccountInfo } from './account-types.ts';
import { hashAccounts, type HashedAccount } from './account-hash-file.ts';
import { buildAccountSpecs, listCredentials, POSTMASTER, resolveDataDir, type AccountCredential, type AgentAccountSpec } from './account-specs.ts';
import { hashPassword, verifyPasswordHash } from './password-hash.ts';

/** Role addresses that go to the operators (the humans), RFC 2142. */
const OPERATOR_ALIASES = [POSTMASTER, 'abuse'];

export class AccountDirectory implements AccountDirectoryApi {
  readonly domain: string;
  /** team@ and the configured lists; built at open, refused there when a list clashes with an account. */
  readonly lists: MailingLists;
  readonly #accounts: Map<string, HashedAccount>;
  readonly #config: MailswarmConfig;
  readonly #agents: AgentAccountSpec[];
  /** Verified against when the login is unknown, so an unknown login costs as much time as a wrong password. */
  readonly #decoyHash: string;

  private constructor(config: MailswarmConfig, agents: AgentAccountSpec[], accounts: HashedAccount[], decoyHash: string) {
    this.domain = config.domain.toLowerCase();
    this.#config = config;
    this.#agents = agents;
    this.#accounts = new Map(accounts.map((account) => [account.address, account]));
    this.#decoyHash = decoyHash;
    this.lists = MailingLists.build(this.domain, config.lists, this.list());
  }

  /** Builds the directory: generates missing agent passwords, hashes all passwords, writes accounts.json. */
  static async open(options: { config: MailswarmConfig; agents: AgentAccountSpec[] }): Promise<AccountDirectory> {
    const specs = buildAccountSpecs(options.config, options.agents);
    const [accounts, decoyHash] = await Promise.all([hashAccounts(resolveDataDir(options.config), specs), hashPassword('decoy')]);
    return new AccountDirectory(options.config, options.agents.map((agent) => ({ ...agent })), accounts, decoyHash);
  }

  resolveLogin(login: string): string | undefined {
    const lowered = login.trim().toLowerCase();
    const address = lowered.includes('@') ? lowered : `${lowered}@${this.domain}`;
    return this.#accounts.has(address) ? address : undefined;
  }

  async verifyPassword(login: string, password: string): Promise<string | null> {
    const address = this.resolveLogin(login);
    const hash = address === undefined ? undefined : this.#accounts.get(address)?.passwordHash;
    if (address === undefined || hash === undefined || hash === null) {
      await verifyPasswordHash(password, this.#decoyHash);
      return null;
    }
    return (await verifyPasswordHash(password, hash)) ? address : null;
  }

  isLocalAddress(address: string): boolean {
    return this.deliveryAccounts(address) !== undefined;
  }

  /** True when the domain part of `address` is ours (whether or not the local part exists). */
  isLocalDomain(address: string): boolean {
    const at = address.lastIndexOf('@');
    return at > 0 && address.slice(at + 1).toLowerCase() === this.domain;
  }

  /**
   * The accounts that receive mail sent to `address` (the account itself, or the humans for postmaster
   * and abuse, the members for a list), or undefined when the address is not local.
   */
  deliveryAccounts(address: string): string[] | undefined {
    // RFC 5321 §4.5.1: `RCPT TO:<Postmaster>` without a domain must be accepted.
    const lowered = address.toLowerCase() === POSTMASTER ? `${POSTMASTER}@${this.domain}` : address.toLowerCase();
    if (!this.isLocalDomain(lowered)) return undefined;
    const localPart = lowered.slice(0, lowered.lastIndexOf('@'));
    const own = this.#accounts.get(lowered);
    const list = own === undefined ? this.lists.find(lowered) : undefined;
    if (list !== undefined) return [...list.members];
    if (OPERATOR_ALIASES.includes(localPart) && (own === undefined || own.kind === 'system')) {
      const humans = this.humans().map((human) => human.address);
      if (humans.length > 0) return humans;
      const postmaster = `${POSTMASTER}@${this.domain}`;
      return this.#accounts.has(postmaster) ? [postmaster] : undefined;
    }
    return own === undefined ? undefined : [own.address];
  }

  get(address: string): AccountInfo | undefined {
    const account = this.#accounts.get(address.toLowerCase());
    return account === undefined ? undefined : { address: account.address, kind: account.kind, displayName: account.displayName };
  }

  list(): AccountInfo[] {
    return [...this.#accounts.values()].map((account) => ({ address: account.address, kind: account.kind, displayName: account.displayName }));
  }

  humans(): AccountInfo[] {
    return this.list().filter((account) => account.kind === 'human');
  }

  /** Logins and clear-text passwords for `mailswarm accounts` (read from the config and credentials.json). */
  listCredentials(): AccountCredential[] {
    return listCredentials({ config: this.#config, agents: this.#agents });
  }
}
