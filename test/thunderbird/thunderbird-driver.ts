// Drives a running Thunderbird the way its own UI does, through Marionette's chrome context: each method
// runs one short privileged script in the main window (MailServices, folder objects, about:3pane's
// gDBView/threadTree/message pane, the compose window's SendMessage). Methods never wait on their own for
// network effects: they return what Thunderbird shows now, and the test polls them with deadlines.
import { MarionetteClient } from './marionette-client.ts';
import { profileKeys } from './thunderbird-profile.ts';

export type FolderKind = 'Inbox' | 'SentMail' | 'Drafts' | 'Trash';

/** One row of Thunderbird's message list, as the thread pane shows it. */
export interface MessageRow {
  index: number;
  subject: string;
  /** The Sender column as displayed (a display name alone once the address is in an address book). */
  sender: string;
  /** The decoded From header. */
  author: string;
  messageId: string;
  /** The References chain Thunderbird parsed from the header (oldest first), without angle brackets. */
  references: string[];
  level: number;
  parentIndex: number;
  /** The IMAP folder holding the message (INBOX, Sent, ...). */
  folder: string;
  read: boolean;
  /** The full message is in Thunderbird's offline store (downloaded). */
  downloaded: boolean;
}

export interface FolderPaneRow {
  name: string;
  uri: string;
}

// Shared prelude of every script: the services, the account's folders by kind, the 3-pane, and a
// message lookup by Message-ID in the view that is displayed.
const prelude = `
const { MailServices } = ChromeUtils.importESModule("resource:///modules/MailServices.sys.mjs");
const server = MailServices.accounts.getIncomingServer(${JSON.stringify(profileKeys.imapServer)});
const folderOf = (kind) => {
  const folder = server.rootFolder.getFolderWithFlags(Ci.nsMsgFolderFlags[kind]);
  if (!folder) throw new Error("Thunderbird has no " + kind + " folder for " + server.prettyName);
  return folder.QueryInterface(Ci.nsIMsgFolder);
};
const tabmail = document.getElementById("tabmail");
const about3Pane = tabmail.currentAbout3Pane;
const viewIndexOf = (messageId) => {
  const view = about3Pane.gDBView;
  if (!view) throw new Error("no folder is displayed");
  for (let index = 0; index < view.rowCount; index++) {
    if (view.getMsgHdrAt(index).messageId === messageId) return index;
  }
  throw new Error("message <" + messageId + "> is not in the displayed list of " + about3Pane.gFolder?.URI);
};
// IMAP URLs (folder discovery, folder updates) are started without awaiting them: Thunderbird merges or
// queues URLs on a busy connection and may never call a second listener back. The test polls what the UI
// shows instead; a URL that fails is recorded here and fails every later script, so it is never lost.
const failedUrls = (window.mailswarmTestFailedUrls ??= []);
if (failedUrls.length > 0 && !args.ignoreFailedUrls) throw new Error("Thunderbird reported failed IMAP operations: " + failedUrls.join("; "));
const reportFailure = (what) => ({
  QueryInterface: ChromeUtils.generateQI(["nsIUrlListener"]),
  OnStartRunningUrl() {},
  OnStopRunningUrl(url, status) {
    if (status !== 0) failedUrls.push(what + " (" + url.spec + ") failed with status 0x" + (status >>> 0).toString(16));
  },
});
`;

export class ThunderbirdDriver {
  readonly #client: MarionetteClient;

  private constructor(client: MarionetteClient) {
    this.#client = client;
  }

  /** Opens a Marionette session in the chrome context (waits until Thunderbird's startup is done). */
  static async attach(port: number): Promise<ThunderbirdDriver> {
    const client = await MarionetteClient.connect('127.0.0.1', port);
    await client.newSession();
    await client.setContext('chrome');
    await client.setScriptTimeout(60_000);
    return new ThunderbirdDriver(client);
  }

  /** Runs `body` (an async function body with `args` in scope) in the main window; rethrows its error. */
  async run<T>(body: string, args: Record<string, unknown> = {}): Promise<T> {
    const script = `
const done = arguments[arguments.length - 1];
const args = arguments[0];
(async () => { ${prelude}\n${body}\n })().then(
  (value) => done({ ok: true, value: value === undefined ? null : value }),
  (error) => done({ ok: false, error: String(error) + "\\n" + (error && error.stack ? error.stack : "") }),
);`;
    const answer = await this.#client.executeAsyncScript<{ ok: boolean; value?: T; error?: string }>(script, [args]);
    if (!answer.ok) throw new Error(`Thunderbird script failed: ${answer.error}`);
    return answer.value as T;
  }

  /** Hands Thunderbird the passwords (no prompt), goes online and starts listing the server's folders. */
  async goOnline(password: string): Promise<void> {
    await this.run(
      `
      server.password = args.password;
      MailServices.outgoingServer.getServerByKey(${JSON.stringify(profileKeys.smtpServer)}).password = args.password;
      Services.io.offline = false;
      MailServices.imap.discoverAllFolders(server.rootFolder, reportFailure("discovering the folders"), null);
      `,
      { password },
    );
  }

  /** Fills the screen with the main window, message list above the message pane. */
  async layOutWindow(): Promise<void> {
    await this.run(`
      window.moveTo(0, 0);
      window.resizeTo(window.screen.availWidth, window.screen.availHeight);
    `);
  }

  /** The account's rows in the folder pane, by their visible names. */
  async folderPaneRows(): Promise<FolderPaneRow[]> {
    return this.run(`
      return [...about3Pane.folderTree.querySelectorAll("li")]
        .filter((row) => typeof row.uri === "string" && row.uri.startsWith(server.serverURI + "/"))
        .map((row) => ({ name: row.querySelector(".name")?.textContent ?? "", uri: row.uri }))
        .filter((row, index, rows) => rows.findIndex((other) => other.uri === row.uri) === index);
    `);
  }

  /** Shows the folder in the 3-pane and starts asking the server for news (SELECT + FETCH), like a click. */
  async openFolder(kind: FolderKind): Promise<void> {
    await this.run(
      `
      const folder = folderOf(args.kind);
      about3Pane.displayFolder(folder);
      if (about3Pane.gFolder?.URI !== folder.URI) throw new Error("the 3-pane did not switch to " + folder.URI);
      folder.updateFolderWithListener(null, reportFailure("updating " + folder.URI));
      `,
      { kind },
    );
  }

  /** The rows of the displayed message list, every thread expanded. */
  async messageRows(): Promise<MessageRow[]> {
    return this.run(`
      const view = about3Pane.gDBView;
      if (!view) return [];
      view.doCommand(Ci.nsMsgViewCommandType.expandAll);
      const rows = [];
      for (let index = 0; index < view.rowCount; index++) {
        const header = view.getMsgHdrAt(index);
        rows.push({
          index,
          subject: view.cellTextForColumn(index, "subjectCol"),
          sender: view.cellTextForColumn(index, "senderCol"),
          author: header.mime2DecodedAuthor,
          messageId: header.messageId,
          references: Array.from({ length: header.numReferences }, (_, position) => header.getStringReference(position)),
          level: view.getLevel(index),
          parentIndex: view.getParentIndex(index),
          folder: decodeURIComponent(header.folder.URI.slice(header.folder.URI.lastIndexOf("/") + 1)),
          read: header.isRead,
          downloaded: (header.flags & Ci.nsMsgMessageFlags.Offline) !== 0,
        });
      }
      return rows;
    `);
  }

  /** Selects the message in the list, which shows it in the message pane. */
  async selectMessage(messageId: string): Promise<void> {
    await this.run(`about3Pane.threadTree.selectedIndex = viewIndexOf(args.messageId);`, { messageId });
  }

  /** The text the message pane shows now (headers and body), or '' while it loads. */
  async messagePaneText(): Promise<string> {
    return this.run(`
      const aboutMessage = about3Pane.messageBrowser.contentWindow;
      const browser = aboutMessage?.getMessagePaneBrowser?.();
      return browser?.contentDocument?.body?.textContent ?? "";
    `);
  }

  async markRead(messageId: string): Promise<void> {
    await this.run(
      `
      const header = about3Pane.gDBView.getMsgHdrAt(viewIndexOf(args.messageId));
      header.folder.markMessagesRead([header], true);
      `,
      { messageId },
    );
  }

  /** Selects the message and runs the Delete command (the account's delete model: move to Trash). */
  async deleteMessage(messageId: string): Promise<void> {
    await this.run(
      `
      about3Pane.threadTree.selectedIndex = viewIndexOf(args.messageId);
      about3Pane.goDoCommand("cmd_delete");
      `,
      { messageId },
    );
  }

  /** Selects the message and runs Reply (to sender): Thunderbird opens its compose window. */
  async startReply(messageId: string): Promise<void> {
    await this.run(
      `
      about3Pane.threadTree.selectedIndex = viewIndexOf(args.messageId);
      about3Pane.goDoCommand("cmd_replySender");
      `,
      { messageId },
    );
  }

  /** Opens the compose window for a new message, like a mailto: link (To, Subject and body prefilled). */
  async startNewMessage(mail: { to: string; subject: string; body: string }): Promise<void> {
    await this.run(
      `
      const identity = MailServices.accounts.getIdentity(${JSON.stringify(profileKeys.identity)});
      const params = Cc["@mozilla.org/messengercompose/composeparams;1"].createInstance(Ci.nsIMsgComposeParams);
      const fields = Cc["@mozilla.org/messengercompose/composefields;1"].createInstance(Ci.nsIMsgCompFields);
      fields.to = args.to;
      fields.subject = args.subject;
      fields.body = args.body;
      params.type = Ci.nsIMsgCompType.New;
      params.format = Ci.nsIMsgCompFormat.PlainText;
      params.identity = identity;
      params.composeFields = fields;
      MailServices.compose.OpenComposeWindowWithParams(null, params);
      `,
      mail,
    );
  }

  /** The compose window's state: absent, loading, or ready with what it holds. */
  async composeWindow(): Promise<{ open: boolean; ready: boolean; to?: string; subject?: string; references?: string; body?: string }> {
    return this.run(`
      const compose = Services.wm.getMostRecentWindow("msgcompose");
      if (!compose || compose.closed) return { open: false, ready: false };
      if (!compose.composeEditorReady) return { open: true, ready: false };
      const fields = compose.GetComposeDetails();
      return {
        open: true,
        ready: true,
        to: fields.to,
        subject: fields.subject,
        references: fields.references,
        body: compose.GetCurrentEditor().outputToString("text/plain", 0),
      };
    `);
  }

  /** Types `text` (if any) at the cursor of the ready compose window and presses Send. */
  async typeAndSend(text: string): Promise<void> {
    await this.run(
      `
      const compose = Services.wm.getMostRecentWindow("msgcompose");
      if (!compose?.composeEditorReady) throw new Error("no compose window is ready");
      if (args.text) compose.GetCurrentEditor().insertText(args.text);
      compose.SendMessage();
      `,
      { text },
    );
  }

  /**
   * A saved search over INBOX and Sent, shown threaded: the one place Thunderbird displays a conversation
   * that spans both folders (the human's own messages live in Sent, the agents' answers in INBOX).
   */
  async openConversationView(name: string): Promise<void> {
    await this.run(
      `
      const { VirtualFolderHelper } = ChromeUtils.importESModule("resource:///modules/VirtualFolderWrapper.sys.mjs");
      const localRoot = MailServices.accounts.localFoldersServer.rootFolder;
      let folder = localRoot.subFolders.find((child) => child.name === args.name);
      if (!folder) {
        folder = VirtualFolderHelper.createNewVirtualFolder(args.name, localRoot, [folderOf("Inbox"), folderOf("SentMail")], "ALL", false).virtualFolder;
      }
      about3Pane.displayFolder(folder);
      if (about3Pane.gFolder?.URI !== folder.URI) throw new Error("the 3-pane did not switch to " + folder.URI);
      `,
      { name },
    );
  }

  /** What is open, any dialog text and any failed IMAP operation, for failure messages. */
  async windowsSummary(): Promise<string> {
    return this.run(
      `
      const windows = [...Services.wm.getEnumerator(null)].map((win) =>
        (win.document.documentElement.getAttribute("windowtype") ?? "?") + ": " + win.document.title +
        (win.document.querySelector("#infoBody") ? " | " + win.document.querySelector("#infoBody").textContent : "")
      );
      return [...windows, ...failedUrls.map((failure) => "failed: " + failure)].join("\\n");
      `,
      { ignoreFailedUrls: true },
    );
  }

  /** Ends the session; a Thunderbird that no longer answers must not keep the test from killing it. */
  async close(timeoutMs = 5_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.#client.deleteSession(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`WebDriver:DeleteSession got no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      this.#client.close();
    }
  }
}
