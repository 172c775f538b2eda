// The contract of the account directory that IMAP LOGIN/AUTHENTICATE and SMTP AUTH both use.
// Login names are the full address (what Thunderbird sends) or the bare local part.

export type AccountKind = 'human' | 'agent' | 'system';

export interface AccountInfo {
  /** Full lower-case address, the canonical account name in the store. */
  address: string;
  kind: AccountKind;
  displayName: string | undefined;
}

export interface AccountDirectoryApi {
  /** Canonical address for a login name (`alice` or `alice@swarm.local`), or undefined when unknown. */
  resolveLogin(login: string): string | undefined;
  /** Checks a password (scrypt, constant time); resolves the canonical address or null. */
  verifyPassword(login: string, password: string): Promise<string | null>;
  /** True when the address belongs to this post office (an account, or a list once lists exist). */
  isLocalAddress(address: string): boolean;
  get(address: string): AccountInfo | undefined;
  list(): AccountInfo[];
}
