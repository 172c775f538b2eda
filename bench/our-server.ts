// Our post office under test, run in a child process (bench/post-office-child.ts) so its RSS and CPU
// profile are its own. RSS comes from /proc/<pid>/status, the live V8 heap from the child over IPC.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readPssBytes, readRssBytes, type BenchServer, type BenchUser, type ServerMemory } from './bench-server.ts';
import { requestChild } from './child-ipc.ts';
import type { ChildMessage } from './post-office-child.ts';

const CHILD = fileURLToPath(new URL('./post-office-child.ts', import.meta.url));

export async function startOurServer(options: {
  domain: string;
  dataDir: string;
  users: BenchUser[];
  fanOutMembers: BenchUser[];
  /** Directory for `node --cpu-prof` output, or undefined for no profile. */
  cpuProfileDir: string | undefined;
}): Promise<BenchServer> {
  const execArgv = ['--expose-gc', ...(options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [])];
  const child = fork(CHILD, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const listName = 'fanout';
  const ready = await requestChild<ChildMessage, 'ready'>(child, {
    type: 'start',
    dataDir: options.dataDir,
    domain: options.domain,
    users: options.users,
    list: { name: listName, members: options.fanOutMembers.map((member) => member.name) },
  }, 'ready', 600_000);
  const members = options.fanOutMembers.map((member) => `${member.name}@${options.domain}`);
  return {
    kind: 'ours',
    description: `mailswarm post office (node ${process.versions.node}, node:sqlite WAL)`,
    host: '127.0.0.1',
    imapPort: ready.ports.imap,
    smtpPort: ready.ports.smtp,
    submissionPort: ready.ports.submission,
    domain: options.domain,
    users: options.users,
    fanOutRecipients: ready.listExpanded ? [`${listName}@${options.domain}`] : members,
    fanOutMethod: ready.listExpanded
      ? `list ${listName}@ with ${members.length} members (expanded by the post office)`
      : `${members.length} RCPT TO in one message (list expansion not available in the post office yet)`,
    memory: async (): Promise<ServerMemory> => {
      const heap = await requestChild<ChildMessage, 'memory'>(child, { type: 'memory' }, 'memory', 30_000);
      const read = (file: string): string => readFileSync(file, 'utf8');
      return { rssBytes: readRssBytes(child.pid!, read), pssBytes: readPssBytes(child.pid!, read), heapBytes: heap.heapUsed, processes: 1 };
    },
    close: async () => {
      if (child.connected) await requestChild<ChildMessage, 'closed'>(child, { type: 'close' }, 'closed', 60_000);
      await exited;
    },
  };
}
