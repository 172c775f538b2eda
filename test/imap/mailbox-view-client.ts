// A raw-socket IMAP client that keeps its own model of the selected mailbox from the untagged responses it
// reads (RFC 3501 §7.3.1 EXISTS, §7.4.1 EXPUNGE with sequence renumbering, §7.4.2 FETCH, §7.2.6 FLAGS) and
// records every response that contradicts that view: an EXPUNGE or FETCH naming a sequence number it does not
// have, EXISTS below the known count, an EXPUNGE during FETCH/STORE/SEARCH (forbidden by §7.4.1), a UID that
// changes under a sequence number or breaks ascending order, a keyword in FETCH FLAGS before `* FLAGS` named it,
// VANISHED without QRESYNC, and any NO/BAD the client did not cause. The concurrency test and the mixed-workload
// benchmark drive it, against our post office and Dovecot alike, so both are judged by the same rules.
import net from 'node:net';

export interface MessageView {
  /** Unknown until a FETCH with UID names this sequence number. */
  uid: number | undefined;
  /** Unknown until a FETCH with FLAGS names it; \Recent left out (session state). */
  flags: string[] | undefined;
}

export interface TaggedReply {
  status: string;
  text: string;
  untagged: string[];
}

interface Pending {
  tag: string;
  verb: string;
  resolve: (reply: TaggedReply) => void;
  reject: (error: Error) => void;
  untagged: string[];
}

const VERB_WITHOUT_EXPUNGE = new Set(['FETCH', 'STORE', 'SEARCH']);

export class MailboxViewClient {
  readonly name: string;
  readonly messages: MessageView[] = [];
  readonly announcedKeywords = new Set<string>();
  readonly violations: string[] = [];
  /** `uidvalidity:uid` of every APPEND this client got an APPENDUID for. */
  readonly appended: Array<{ uidValidity: number; uid: number }> = [];
  commands = 0;
  #socket: net.Socket;
  #buffer = '';
  /** A logical response line being assembled across literals: text so far, literal bytes still owed. */
  #partial: { text: string; owed: number } | undefined;
  #nextTag = 1;
  #pending: Pending | undefined;
  #continuation: (() => void) | undefined;
  #greeting: (() => void) | undefined;
  #closedError: Error | undefined;
  #loggingOut = false;

  private constructor(socket: net.Socket, name: string) {
    this.#socket = socket;
    this.name = name;
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => this.#onData(chunk));
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => this.#fail(new Error(`${name}: connection closed`)));
  }

  /** Connects, reads the greeting and LOGINs (SELECT is the caller's). */
  static async login(host: string, port: number, name: string, user: string, password: string): Promise<MailboxViewClient> {
    const client = new MailboxViewClient(net.connect({ host, port }), name);
    await new Promise<void>((resolve, reject) => {
      client.#greeting = resolve;
      client.#socket.once('error', reject);
    });
    const reply = await client.command(`LOGIN ${quote(user)} ${quote(password)}`);
    if (reply.status !== 'OK') throw new Error(`${name}: LOGIN of ${user} answered ${reply.status} ${reply.text}`);
    return client;
  }

  async select(mailbox = 'INBOX'): Promise<void> {
    this.messages.length = 0;
    this.announcedKeywords.clear();
    const reply = await this.command(`SELECT ${mailbox}`);
    if (reply.status !== 'OK') throw new Error(`${this.name}: SELECT ${mailbox} answered ${reply.status} ${reply.text}`);
  }

  /** Sends one command (an APPEND literal goes after the server's continuation) and resolves at its tagged reply. */
  command(text: string, literal?: string): Promise<TaggedReply> {
    if (this.#closedError) return Promise.reject(this.#closedError);
    if (this.#pending) return Promise.reject(new Error(`${this.name}: one command at a time`));
    const tag = `v${this.#nextTag++}`;
    const words = text.split(' ');
    const verb = (words[0]!.toUpperCase() === 'UID' ? `UID ${words[1]}` : words[0]!).toUpperCase();
    if (verb === 'LOGOUT') this.#loggingOut = true;
    this.commands += 1;
    return new Promise<TaggedReply>((resolve, reject) => {
      this.#pending = { tag, verb, resolve, reject, untagged: [] };
      if (literal === undefined) {
        this.#socket.write(`${tag} ${text}\r\n`);
        return;
      }
      this.#continuation = () => this.#socket.write(`${literal}\r\n`);
      this.#socket.write(`${tag} ${text} {${Buffer.byteLength(literal, 'latin1')}}\r\n`);
    }).then((reply) => {
      if (reply.status !== 'OK' && verb !== 'LOGOUT') this.#violation(text, `${tag} ${reply.status} ${reply.text}`, 'a NO/BAD this client did not cause');
      // .SILENT: the server reports no flags for this session's own change (§6.4.6), so its view forgets them.
      const silent = /^STORE (\S+) [+-]?FLAGS\.SILENT/i.exec(text);
      if (silent) for (const seq of expandSet(silent[1]!, this.messages.length)) if (this.messages[seq - 1]) this.messages[seq - 1]!.flags = undefined;
      if (verb === 'APPEND') {
        const appendUid = /\[APPENDUID (\d+) (\d+)\]/i.exec(reply.text);
        if (appendUid) this.appended.push({ uidValidity: Number(appendUid[1]), uid: Number(appendUid[2]) });
        else if (reply.status === 'OK') this.#violation(text, reply.text, 'APPEND OK without APPENDUID (UIDPLUS)');
      }
      return reply;
    });
  }

  async logout(): Promise<void> {
    await this.command('LOGOUT');
    this.#socket.end();
  }

  close(): void {
    this.#loggingOut = true;
    this.#socket.destroy();
  }

  #onData(chunk: string): void {
    this.#buffer += chunk;
    for (;;) {
      if (this.#partial && this.#partial.owed > 0) {
        if (this.#buffer.length < this.#partial.owed) return;
        // The literal's bytes are data, not protocol: keep a placeholder so no pattern matches inside them.
        this.#buffer = this.#buffer.slice(this.#partial.owed);
        this.#partial.text += '<literal>';
        this.#partial.owed = 0;
      }
      const end = this.#buffer.indexOf('\r\n');
      if (end < 0) return;
      const piece = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      const text = (this.#partial?.text ?? '') + piece;
      const literal = /\{(\d+)\}$/.exec(piece);
      if (literal) {
        this.#partial = { text: text.slice(0, text.length - literal[0].length), owed: Number(literal[1]) };
        continue;
      }
      this.#partial = undefined;
      this.#onLine(text);
    }
  }

  #onLine(line: string): void {
    if (this.#greeting) {
      const greeted = this.#greeting;
      this.#greeting = undefined;
      greeted();
      return;
    }
    if (line.startsWith('+')) {
      const continuation = this.#continuation;
      this.#continuation = undefined;
      if (continuation) continuation();
      else this.#violation(this.#pending?.verb ?? '(none)', line, 'a continuation request nobody asked for');
      return;
    }
    const pending = this.#pending;
    if (pending && line.startsWith(`${pending.tag} `)) {
      this.#pending = undefined;
      this.#continuation = undefined;
      const [, status = '', text = ''] = /^\S+ (\S+) ?(.*)$/.exec(line) ?? [];
      pending.resolve({ status: status.toUpperCase(), text, untagged: pending.untagged });
      return;
    }
    if (!line.startsWith('* ')) {
      this.#violation(pending?.verb ?? '(none)', line, 'neither untagged, continuation nor our tagged reply');
      return;
    }
    pending?.untagged.push(line);
    this.#untagged(line, pending?.verb ?? '(between commands)');
  }

  #untagged(line: string, verb: string): void {
    const numbered = /^\* (\d+) (EXISTS|EXPUNGE|FETCH|RECENT)\b ?(.*)$/i.exec(line);
    if (numbered) {
      const number = Number(numbered[1]);
      const kind = numbered[2]!.toUpperCase();
      if (kind === 'EXISTS') {
        if (number < this.messages.length) this.#violation(verb, line, `EXISTS below the ${this.messages.length} messages known`);
        while (this.messages.length < number) this.messages.push({ uid: undefined, flags: undefined });
      } else if (kind === 'EXPUNGE') {
        if (VERB_WITHOUT_EXPUNGE.has(verb)) this.#violation(verb, line, 'EXPUNGE during FETCH/STORE/SEARCH (RFC 3501 §7.4.1)');
        if (number < 1 || number > this.messages.length) this.#violation(verb, line, `EXPUNGE of a sequence number outside 1..${this.messages.length}`);
        else this.messages.splice(number - 1, 1);
      } else if (kind === 'FETCH') {
        this.#fetch(number, numbered[3]!, line, verb);
      }
      return;
    }
    const flags = /^\* FLAGS \(([^)]*)\)/i.exec(line);
    if (flags) {
      for (const flag of words(flags[1]!)) if (!flag.startsWith('\\')) this.announcedKeywords.add(flag.toLowerCase());
      return;
    }
    const search = /^\* SEARCH\b ?(.*)$/i.exec(line);
    if (search && verb === 'SEARCH') {
      for (const number of words(search[1]!).map(Number)) {
        if (!(number >= 1 && number <= this.messages.length)) this.#violation(verb, line, `SEARCH names ${number}, outside 1..${this.messages.length}`);
      }
      return;
    }
    if (/^\* VANISHED\b/i.test(line)) this.#violation(verb, line, 'VANISHED without QRESYNC enabled');
    else if (/^\* BAD\b/i.test(line)) this.#violation(verb, line, 'untagged BAD');
    else if (/^\* BYE\b/i.test(line) && !this.#loggingOut) this.#violation(verb, line, 'BYE the client did not ask for');
  }

  #fetch(seq: number, attributes: string, line: string, verb: string): void {
    if (seq < 1 || seq > this.messages.length) {
      this.#violation(verb, line, `FETCH of a sequence number outside 1..${this.messages.length}`);
      return;
    }
    const message = this.messages[seq - 1]!;
    const uid = /\bUID (\d+)/i.exec(attributes);
    if (uid) {
      const value = Number(uid[1]);
      if (message.uid !== undefined && message.uid !== value) this.#violation(verb, line, `UID ${value} at ${seq}, where this client knows UID ${message.uid}`);
      const before = this.messages.slice(0, seq - 1).findLast((candidate) => candidate.uid !== undefined)?.uid;
      const after = this.messages.slice(seq).find((candidate) => candidate.uid !== undefined)?.uid;
      if ((before !== undefined && before >= value) || (after !== undefined && after <= value)) {
        this.#violation(verb, line, `UID ${value} at ${seq} breaks ascending order (neighbours ${before ?? '-'} and ${after ?? '-'})`);
      }
      message.uid = value;
    }
    const flags = /\bFLAGS \(([^)]*)\)/i.exec(attributes);
    if (flags) {
      const list = words(flags[1]!).filter((flag) => flag.toLowerCase() !== '\\recent');
      for (const flag of list) {
        if (!flag.startsWith('\\') && !this.announcedKeywords.has(flag.toLowerCase())) this.#violation(verb, line, `keyword ${flag} before any FLAGS named it (RFC 3501 §7.2.6)`);
      }
      message.flags = list;
    }
  }

  #violation(verb: string, line: string, problem: string): void {
    this.violations.push(`${this.name} during ${verb}: ${problem}: ${line.slice(0, 300)}`);
  }

  #fail(error: Error): void {
    if (this.#closedError) return;
    this.#closedError = error;
    this.#pending?.reject(error);
    this.#pending = undefined;
    this.#socket.destroy();
  }
}

/** The numbers of a sequence set (`*` is the highest number known). */
function expandSet(set: string, highest: number): number[] {
  const numbers: number[] = [];
  for (const part of set.split(',')) {
    const [first, last = first] = part.split(':').map((bound) => (bound === '*' ? highest : Number(bound)));
    for (let number = Math.min(first!, last!); number <= Math.max(first!, last!); number++) numbers.push(number);
  }
  return numbers;
}

function words(list: string): string[] {
  return list.split(/\s+/).filter(Boolean);
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (character) => `\\${character}`)}"`;
}
