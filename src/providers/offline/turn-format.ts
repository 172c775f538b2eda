// The one text format of a turn's user message: a thread of mails with a clearly delimited header block per
// message, plus the agent's directory. The swarm renders it (src/swarm/prompt-builder.ts) for every model;
// the offline model parses it back. It lives here, not in src/swarm/, because providers must not depend on
// the swarm, while the swarm may use this pure format. Header names follow RFC 5322 section 3.6.

export const turnFormatMarker = '[mailswarm turn v1]';

export type TurnMailStatus = 'new' | 'earlier' | 'sent-by-you';
export type AddressedAs = 'to' | 'cc' | 'none';

export interface TurnMailView {
  /** The Message-ID with angle brackets: the reference tools take. */
  messageId: string;
  status: TurnMailStatus;
  /** How this agent was addressed in the mail. */
  addressedAs: AddressedAs;
  from: string;
  to: string[];
  cc: string[];
  date: string;
  subject: string;
  /** RFC 3834 Auto-Submitted value, when present (mail written by an automaton such as another agent). */
  autoSubmitted: string | undefined;
  /** X-Mailswarm-Agent: the agent that wrote it. */
  agent: string | undefined;
  attachments: string[];
  /** New text only: quoted history already stripped. */
  body: string;
}

export interface DirectoryEntry {
  kind: 'agent' | 'human';
  name: string;
  address: string;
  model?: string | undefined;
  role?: string | undefined;
}

export interface TurnView {
  self: { name: string; address: string; role: string };
  directory: DirectoryEntry[];
  subject: string;
  messages: TurnMailView[];
}

const sectionPrefix = '=== ';

/** Renders a turn as the user message; bodies are escaped so they cannot forge a section line. */
export function renderTurn(view: TurnView): string {
  const lines: string[] = [
    turnFormatMarker,
    `You are ${view.self.name} <${view.self.address}>. New mail needs your attention in the thread below (oldest first).`,
    'Messages marked "new" arrived since your last turn. Act with your tools: reply, send, forward, or no_reply to stay silent.',
    `${sectionPrefix}SELF ===`,
    `name: ${oneLine(view.self.name)}`,
    `address: ${view.self.address}`,
    `role: ${oneLine(view.self.role)}`,
    `${sectionPrefix}DIRECTORY ===`,
  ];
  for (const entry of view.directory) {
    lines.push(
      `- kind: ${entry.kind}; name: ${oneLine(entry.name)}; address: ${entry.address}; model: ${oneLine(entry.model ?? '-')}; role: ${oneLine(entry.role ?? '-')}`,
    );
  }
  lines.push(`${sectionPrefix}THREAD: ${oneLine(view.subject)} ===`);
  view.messages.forEach((mail, index) => {
    const number = index + 1;
    lines.push(`${sectionPrefix}MESSAGE ${number} of ${view.messages.length} ===`);
    lines.push(`Message-ID: ${mail.messageId}`);
    lines.push(`Status: ${mail.status}`);
    lines.push(`Addressed-To-You: ${mail.addressedAs}`);
    lines.push(`From: ${oneLine(mail.from)}`);
    lines.push(`To: ${mail.to.map(oneLine).join(', ')}`);
    lines.push(`Cc: ${mail.cc.map(oneLine).join(', ')}`);
    lines.push(`Date: ${mail.date}`);
    lines.push(`Subject: ${oneLine(mail.subject)}`);
    if (mail.autoSubmitted) lines.push(`Auto-Submitted: ${oneLine(mail.autoSubmitted)}`);
    if (mail.agent) lines.push(`X-Mailswarm-Agent: ${oneLine(mail.agent)}`);
    if (mail.attachments.length > 0) lines.push(`Attachments: ${mail.attachments.map(oneLine).join('; ')}`);
    lines.push('--- body ---');
    for (const bodyLine of mail.body.split('\n')) lines.push(bodyLine.startsWith(sectionPrefix) ? ` ${bodyLine}` : bodyLine);
    lines.push(`${sectionPrefix}END MESSAGE ${number} ===`);
  });
  lines.push(`${sectionPrefix}END TURN ===`);
  return lines.join('\n');
}

/** Parses a rendered turn; undefined when the text is not in this format. */
export function parseTurn(text: string): TurnView | undefined {
  if (!text.startsWith(turnFormatMarker)) return undefined;
  const lines = text.split('\n');
  const view: TurnView = { self: { name: '', address: '', role: '' }, directory: [], subject: '', messages: [] };
  let section: 'preamble' | 'self' | 'directory' | 'thread' | 'headers' | 'body' = 'preamble';
  let current: TurnMailView | undefined;
  let bodyLines: string[] = [];
  for (const line of lines) {
    if (line.startsWith(sectionPrefix)) {
      if (line === '=== SELF ===') section = 'self';
      else if (line === '=== DIRECTORY ===') section = 'directory';
      else if (line.startsWith('=== THREAD: ')) {
        section = 'thread';
        view.subject = line.slice('=== THREAD: '.length, -' ==='.length);
      } else if (/^=== MESSAGE \d+ of \d+ ===$/.test(line)) {
        current = emptyMail();
        section = 'headers';
      } else if (/^=== END MESSAGE \d+ ===$/.test(line) && current) {
        current.body = bodyLines.join('\n');
        view.messages.push(current);
        current = undefined;
        bodyLines = [];
        section = 'thread';
      }
      continue;
    }
    if (section === 'self') {
      const [key, value] = splitField(line);
      if (key === 'name') view.self.name = value;
      if (key === 'address') view.self.address = value;
      if (key === 'role') view.self.role = value;
    } else if (section === 'directory' && line.startsWith('- ')) {
      view.directory.push(parseDirectoryLine(line.slice(2)));
    } else if (section === 'headers' && current) {
      if (line === '--- body ---') {
        section = 'body';
        continue;
      }
      applyHeader(current, ...splitField(line));
    } else if (section === 'body') {
      bodyLines.push(line.startsWith(` ${sectionPrefix}`) ? line.slice(1) : line);
    }
  }
  return view;
}

/** Extracts the bare lower-case addresses from `Name <a@b>` / `a@b` strings. */
export function addressesIn(values: string[]): string[] {
  return values.flatMap((value) => {
    const angle = /<([^>]+)>/.exec(value);
    const bare = angle ? angle[1] : value.trim();
    return bare && bare.includes('@') ? [bare.toLowerCase()] : [];
  });
}

function emptyMail(): TurnMailView {
  return { messageId: '', status: 'new', addressedAs: 'none', from: '', to: [], cc: [], date: '', subject: '', autoSubmitted: undefined, agent: undefined, attachments: [], body: '' };
}

function applyHeader(mail: TurnMailView, key: string, value: string): void {
  const list = () => (value === '' ? [] : value.split(', '));
  switch (key.toLowerCase()) {
    case 'message-id': mail.messageId = value; break;
    case 'status': mail.status = value as TurnMailStatus; break;
    case 'addressed-to-you': mail.addressedAs = value as AddressedAs; break;
    case 'from': mail.from = value; break;
    case 'to': mail.to = list(); break;
    case 'cc': mail.cc = list(); break;
    case 'date': mail.date = value; break;
    case 'subject': mail.subject = value; break;
    case 'auto-submitted': mail.autoSubmitted = value; break;
    case 'x-mailswarm-agent': mail.agent = value; break;
    case 'attachments': mail.attachments = value === '' ? [] : value.split('; '); break;
  }
}

function parseDirectoryLine(line: string): DirectoryEntry {
  const fields = new Map<string, string>();
  // role is last and may itself contain "; ": everything after "role: " belongs to it.
  const roleAt = line.indexOf('; role: ');
  const head = roleAt >= 0 ? line.slice(0, roleAt) : line;
  if (roleAt >= 0) fields.set('role', line.slice(roleAt + '; role: '.length));
  for (const part of head.split('; ')) {
    const [key, value] = splitField(part);
    fields.set(key, value);
  }
  const optional = (value: string | undefined) => (value === undefined || value === '-' ? undefined : value);
  return {
    kind: fields.get('kind') === 'agent' ? 'agent' : 'human',
    name: fields.get('name') ?? '',
    address: fields.get('address') ?? '',
    model: optional(fields.get('model')),
    role: optional(fields.get('role')),
  };
}

function splitField(line: string): [string, string] {
  const colon = line.indexOf(':');
  if (colon < 0) return [line.trim(), ''];
  return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
}

function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}
