// Rebuilds a conversation thread from the agent's own folders (INBOX, Sent, Archive): every message whose
// Message-ID is the thread root or whose References / In-Reply-To name it (RFC 5322 section 3.6.4), found
// with IMAP SEARCH HEADER (RFC 3501 section 6.4.4), de-duplicated by Message-ID and ordered oldest first.
import type { ImapFlow, SearchObject } from 'imapflow';
import type { FolderNames } from './mailbox-operations.ts';
import { searchMails } from './mailbox-operations.ts';
import type { StoredMail } from './parsed-mail.ts';

/** Upper bound of messages shown to the model per thread: the newest ones win. */
export const maxThreadMessages = 40;

export async function loadThread(client: ImapFlow, folders: FolderNames, rootMessageId: string, known: StoredMail[] = []): Promise<StoredMail[]> {
  const query: SearchObject = {
    or: [{ header: { 'message-id': rootMessageId } }, { header: { references: rootMessageId } }, { header: { 'in-reply-to': rootMessageId } }],
  };
  const folderList = [folders.inbox, folders.sent, ...(folders.archive ? [folders.archive] : [])];
  const found: StoredMail[] = [...known];
  for (const folder of folderList) found.push(...(await searchMails(client, folder, query, maxThreadMessages * 2)));
  return orderThread(found).slice(-maxThreadMessages);
}

/** De-duplicates by Message-ID (a mail may sit in INBOX and Sent) and sorts by Date, then parent before child. */
export function orderThread(mails: StoredMail[]): StoredMail[] {
  const byId = new Map<string, StoredMail>();
  for (const mail of mails) {
    const earlier = byId.get(mail.messageId);
    // Prefer the INBOX copy: its flags say whether this agent has processed it.
    if (!earlier || (earlier.folder !== 'INBOX' && mail.folder === 'INBOX')) byId.set(mail.messageId, mail);
  }
  return [...byId.values()].sort((left, right) => {
    if (left.references.includes(right.messageId)) return 1;
    if (right.references.includes(left.messageId)) return -1;
    return left.date.getTime() - right.date.getTime() || left.uid - right.uid;
  });
}
