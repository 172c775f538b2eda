// Test fixture for the message verbs: a real MailStore in a temporary directory, the IMAP server on 127.0.0.1
// port 0, one account with a tiny in-test account directory, and helpers to connect imapflow or raw clients.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { silentLogger } from '../../src/logger.ts';
import type { AccountDirectoryApi, AccountInfo } from '../../src/postoffice/accounts/account-types.ts';
import { startImapServer, type ImapServerHandle } from '../../src/postoffice/imap/imap-server.ts';
import { MailStore } from '../../src/postoffice/store/mail-store.ts';
import { RawImapClient } from './raw-imap-client.ts';

export const ACCOUNT = 'alice@swarm.local';
export const PASSWORD = 'correct horse';

export const plainMessage = readFileSync(new URL('./fixtures/plain.eml', import.meta.url));
export const multipartMessage = readFileSync(new URL('./fixtures/multipart.eml', import.meta.url));

/** One account, password checked in clear: enough for LOGIN / AUTHENTICATE PLAIN. */
function accountDirectory(): AccountDirectoryApi {
  const info: AccountInfo = { address: ACCOUNT, kind: 'human', displayName: 'Alice' };
  const resolveLogin = (login: string) => {
    const lower = login.toLowerCase();
    return lower === ACCOUNT || lower === 'alice' ? ACCOUNT : undefined;
  };
  return {
    resolveLogin,
    verifyPassword: async (login, password) => (resolveLogin(login) !== undefined && password === PASSWORD ? ACCOUNT : null),
    isLocalAddress: (address) => address.toLowerCase() === ACCOUNT,
    get: (address) => (address.toLowerCase() === ACCOUNT ? info : undefined),
    list: () => [info],
  };
}

export interface ImapFixture {
  store: MailStore;
  server: ImapServerHandle;
  inboxId: number;
  imapflow(options?: Partial<ImapFlowOptions>): Promise<ImapFlow>;
  raw(): Promise<RawImapClient>;
  close(): Promise<void>;
}

export async function startFixture(): Promise<ImapFixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mailswarm-imap-messages-'));
  const store = MailStore.open(dataDir);
  store.ensureAccount(ACCOUNT);
  const server = await startImapServer({ host: '127.0.0.1', port: 0, store, accounts: accountDirectory(), logger: silentLogger });
  const clients: Array<{ close(): Promise<void> }> = [];
  return {
    store,
    server,
    inboxId: store.getMailbox(ACCOUNT, 'INBOX')!.id,
    async imapflow(options = {}) {
      const client = new ImapFlow({
        host: '127.0.0.1', port: server.port, secure: false, doSTARTTLS: false,
        auth: { user: ACCOUNT, pass: PASSWORD }, logger: false, ...options,
      });
      await client.connect();
      clients.push({ close: async () => { if (client.usable) await client.logout(); } });
      return client;
    },
    async raw() {
      const client = await RawImapClient.connect(server.port);
      const login = await client.command(`LOGIN ${ACCOUNT} "${PASSWORD}"`);
      if (!login.tagged.includes(' OK')) throw new Error(`login failed: ${login.text}`);
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) await client.close();
      await server.close();
      store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
