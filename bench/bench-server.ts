// What every benchmark phase needs from a server under test, whichever it is: where to connect, which
// accounts exist, how a message reaches the fan-out members, and how much memory the server uses now.
// Implemented by our-server.ts (our post office in a child process) and peer-server.ts (Postfix → Dovecot).

export interface BenchUser {
  name: string;
  password: string;
}

export interface ServerMemory {
  /** Resident set size of the processes that serve IMAP sessions, in bytes. */
  rssBytes: number;
  /** Proportional set size (shared pages split between processes); for Dovecot's many processes. */
  pssBytes?: number | undefined;
  /** Live V8 heap after a full GC (our post office only). */
  heapBytes?: number | undefined;
  /** How many processes were summed. */
  processes: number;
}

export interface BenchServer {
  kind: 'ours' | 'peer';
  /** What it is, with versions, for the printed table. */
  description: string;
  host: string;
  imapPort: number;
  /** The inbound SMTP port: no AUTH, local recipients only (ours: inbound server; Postfix: smtpd on 25-style port). */
  smtpPort: number;
  /** Submission port (AUTH), for the agent runtime phase. */
  submissionPort: number;
  domain: string;
  users: BenchUser[];
  /** RCPT TO addresses that reach every fan-out member, and how (list expansion or one RCPT each). */
  fanOutRecipients: string[];
  fanOutMethod: string;
  memory(): Promise<ServerMemory>;
  close(): Promise<void>;
}

export function addressOf(server: { domain: string }, user: BenchUser): string {
  return `${user.name}@${server.domain}`;
}

/** user0 … user{count-1} with fixed passwords, identical for both servers. */
export function benchUsers(count: number): BenchUser[] {
  return Array.from({ length: count }, (_, index) => ({ name: `user${index}`, password: `pw-${index}-bench` }));
}

/** VmRSS of a process in bytes, from /proc/<pid>/status. */
export function readRssBytes(pid: number, readFile: (file: string) => string): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFile(`/proc/${pid}/status`));
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** Pss of a process in bytes, from /proc/<pid>/smaps_rollup. */
export function readPssBytes(pid: number, readFile: (file: string) => string): number {
  const match = /^Pss:\s+(\d+) kB/m.exec(readFile(`/proc/${pid}/smaps_rollup`));
  if (!match) throw new Error(`no Pss in /proc/${pid}/smaps_rollup`);
  return Number(match[1]) * 1024;
}
