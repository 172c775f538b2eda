// The IMAP operations the runtime needs, over one imapflow client: folder discovery (RFC 6154 special-use),
// finding unprocessed INBOX mail, fetching and parsing mails, SEARCH (RFC 3501 section 6.4.4, HEADER and
// KEYWORD keys), flag/keyword STORE, and APPEND to Sent. All processing state lives on the server as
// keywords, so a restarted runtime (or a second machine) sees exactly what has been done.
import type { ImapFlow, SearchObject } from 'imapflow';
import { parseStoredMail, type StoredMail } from './parsed-mail.ts';

/** Set with \Seen once a mail's turn is complete (its replies submitted and stored in Sent). */
export const processedKeyword = '$MailswarmDone';
/** `$MailswarmRetry<n>`: the model failed on this mail n times. */
export const retryKeywordPrefix = '$MailswarmRetry';
/** On a Sent copy whose submission is not yet confirmed: the outbox record of an in-flight send. */
export const outboxKeyword = '$MailswarmOutbox';

export interface FolderNames {
  inbox: string;
  sent: string;
  archive: string | undefined;
}

/** Finds Sent and Archive by special-use attribute or conventional name; creates Sent when missing. */
export async function resolveFolders(client: ImapFlow): Promise<FolderNames> {
  const folders = await client.list();
  const bySpecialUse = (use: string) => folders.find((folder) => folder.specialUse === use)?.path;
  const byName = (pattern: RegExp) => folders.find((folder) => pattern.test(folder.path))?.path;
  let sent = bySpecialUse('\\Sent') ?? byName(/^(INBOX[./])?sent( (items|messages|mail))?$/i);
  if (!sent) {
    await client.mailboxCreate('Sent');
    sent = 'Sent';
  }
  const archive = bySpecialUse('\\Archive') ?? byName(/^(INBOX[./])?archives?$/i);
  return { inbox: 'INBOX', sent, archive };
}

/** Runs `work` with `folder` selected, then reselects INBOX so IDLE keeps watching for new mail. */
export async function withFolder<T>(client: ImapFlow, folder: string, work: () => Promise<T>): Promise<T> {
  const lock = await client.getMailboxLock(folder);
  let result: T;
  try {
    result = await work();
  } finally {
    lock.release();
  }
  if (folder !== 'INBOX') {
    const inboxLock = await client.getMailboxLock('INBOX');
    inboxLock.release();
  }
  return result;
}

/** UIDs matching `query` in `folder`. */
export async function searchUids(client: ImapFlow, folder: string, query: SearchObject): Promise<number[]> {
  return withFolder(client, folder, async () => {
    const found = await client.search(query, { uid: true });
    if (found === false || found === undefined) throw new Error(`IMAP SEARCH failed in ${folder}`);
    return [...found].sort((left, right) => left - right);
  });
}

/** Fetches and parses the given UIDs of one folder. */
export async function fetchMails(client: ImapFlow, folder: string, uids: number[]): Promise<StoredMail[]> {
  if (uids.length === 0) return [];
  return withFolder(client, folder, async () => {
    const fetched = await client.fetchAll(uids.join(','), { uid: true, flags: true, source: true }, { uid: true });
    const mails: StoredMail[] = [];
    for (const message of fetched) {
      if (!message.source) throw new Error(`IMAP FETCH returned no source for UID ${message.uid} in ${folder}`);
      mails.push(await parseStoredMail(message.source, { folder, uid: message.uid, flags: new Set(message.flags ?? []) }));
    }
    return mails.sort((left, right) => left.uid - right.uid);
  });
}

export async function searchMails(client: ImapFlow, folder: string, query: SearchObject, limit = 50): Promise<StoredMail[]> {
  const uids = await searchUids(client, folder, query);
  return fetchMails(client, folder, uids.slice(-limit));
}

/** INBOX mail without the processed keyword, oldest first. */
export async function listUnprocessed(client: ImapFlow): Promise<StoredMail[]> {
  return searchMails(client, 'INBOX', { unKeyword: processedKeyword }, 500);
}

export async function markProcessed(client: ImapFlow, uids: number[]): Promise<void> {
  if (uids.length === 0) return;
  await withFolder(client, 'INBOX', async () => {
    const stored = await client.messageFlagsAdd(uids.join(','), ['\\Seen', processedKeyword], { uid: true });
    if (!stored) throw new Error(`IMAP STORE of ${processedKeyword} failed for UIDs ${uids.join(',')}`);
  });
}

/** How often the model already failed on this mail (0 when never). */
export function retryCountOf(flags: Set<string>): number {
  let count = 0;
  for (const flag of flags) {
    if (flag.startsWith(retryKeywordPrefix)) count = Math.max(count, Number(flag.slice(retryKeywordPrefix.length)) || 0);
  }
  return count;
}

export async function recordRetry(client: ImapFlow, uids: number[], attempt: number): Promise<void> {
  if (uids.length === 0) return;
  await withFolder(client, 'INBOX', async () => {
    const stored = await client.messageFlagsAdd(uids.join(','), [`${retryKeywordPrefix}${attempt}`], { uid: true });
    if (!stored) throw new Error(`IMAP STORE of the retry keyword failed for UIDs ${uids.join(',')}`);
  });
}

/** The copy of a message in `folder` with this Message-ID, if any (SEARCH HEADER Message-ID). */
export async function findByMessageId(client: ImapFlow, folder: string, messageId: string): Promise<{ uid: number; flags: Set<string> } | undefined> {
  return withFolder(client, folder, async () => {
    const found = await client.search({ header: { 'message-id': messageId } }, { uid: true });
    if (found === false || found === undefined) throw new Error(`IMAP SEARCH failed in ${folder}`);
    const uid = found[0];
    if (uid === undefined) return undefined;
    const message = await client.fetchOne(String(uid), { uid: true, flags: true }, { uid: true });
    if (!message) return undefined;
    return { uid, flags: new Set(message.flags ?? []) };
  });
}

export async function fetchSource(client: ImapFlow, folder: string, uid: number): Promise<Buffer> {
  return withFolder(client, folder, async () => {
    const message = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
    if (!message || !message.source) throw new Error(`IMAP FETCH of UID ${uid} in ${folder} returned no source`);
    return message.source;
  });
}

export async function appendMessage(client: ImapFlow, folder: string, raw: Buffer, flags: string[]): Promise<void> {
  const appended = await client.append(folder, raw, flags);
  if (!appended) throw new Error(`IMAP APPEND to ${folder} failed`);
}

export async function setFlags(client: ImapFlow, folder: string, uid: number, add: string[], remove: string[]): Promise<void> {
  await withFolder(client, folder, async () => {
    if (add.length > 0 && !(await client.messageFlagsAdd(String(uid), add, { uid: true }))) throw new Error(`IMAP STORE +FLAGS failed in ${folder}`);
    if (remove.length > 0 && !(await client.messageFlagsRemove(String(uid), remove, { uid: true }))) throw new Error(`IMAP STORE -FLAGS failed in ${folder}`);
  });
}
