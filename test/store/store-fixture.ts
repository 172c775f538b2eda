// Test helper: a MailStore on a fresh temporary directory, removed after the test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MailStore, type MailStoreOptions } from '../../src/postoffice/store/mail-store.ts';

export const ALICE = 'alice@swarm.local';
export const BOB = 'bob@swarm.local';

export interface StoreFixture {
  dataDir: string;
  store: MailStore;
  /** Closes the current store and opens the same directory again (a restart). */
  reopen(): MailStore;
  cleanup(): void;
}

export function openStoreFixture(options: MailStoreOptions = {}): StoreFixture {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mailswarm-store-'));
  const fixture: StoreFixture = {
    dataDir,
    store: MailStore.open(dataDir, options),
    reopen() {
      fixture.store.close();
      fixture.store = MailStore.open(dataDir, options);
      return fixture.store;
    },
    cleanup() {
      fixture.store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** A small RFC 5322 message with the given Message-ID. */
export function rawMessage(messageId: string, body = 'Hello.'): Buffer {
  return Buffer.from(
    `From: bob@swarm.local\r\nTo: alice@swarm.local\r\nSubject: test\r\nMessage-ID: <${messageId}>\r\n\r\n${body}\r\n`,
  );
}
