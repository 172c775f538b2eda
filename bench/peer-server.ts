// The peer under test: Debian's Postfix (inbound smtpd) delivering over LMTP to Dovecot (IMAP), on loopback,
// started through the same helper the interoperability tests use. Memory is the sum over Dovecot's `imap`
// processes (one per session), read from /proc: RSS as the brief asks, and PSS, which splits the shared
// library pages between them and so is the fairer "cost per session".
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { dovecotPostfixUnavailable, startDovecotPostfix } from '../test/helpers/dovecot-postfix.ts';
import { readPssBytes, readRssBytes, type BenchServer, type BenchUser, type ServerMemory } from './bench-server.ts';

export function peerUnavailable(): string | undefined {
  return dovecotPostfixUnavailable();
}

export async function startPeerServer(options: { domain: string; users: BenchUser[]; fanOutMembers: BenchUser[]; maxImapSessions: number }): Promise<BenchServer> {
  const peer = await startDovecotPostfix({ domain: options.domain, users: options.users, maxImapSessions: options.maxImapSessions });
  const dovecotVersion = execFileSync('/usr/sbin/dovecot', ['--version'], { encoding: 'utf8' }).trim().split(' ')[0];
  const postfixVersion = execFileSync('/usr/sbin/postconf', ['-h', '-d', 'mail_version'], { encoding: 'utf8' }).trim();
  const masterPidFile = path.join(peer.directory, 'dovecot-run', 'master.pid');
  return {
    kind: 'peer',
    description: `Postfix ${postfixVersion} → LMTP → Dovecot ${dovecotVersion}`,
    host: peer.host,
    imapPort: peer.imapPort,
    smtpPort: peer.smtpPort,
    submissionPort: peer.submissionPort,
    domain: options.domain,
    users: options.users,
    fanOutRecipients: options.fanOutMembers.map((member) => `${member.name}@${options.domain}`),
    fanOutMethod: `${options.fanOutMembers.length} RCPT TO in one message`,
    memory: async () => imapProcessesMemory(Number(readFileSync(masterPidFile, 'utf8').trim())),
    close: () => peer.close(),
  };
}

function imapProcessesMemory(masterPid: number): ServerMemory {
  const read = (file: string): string => readFileSync(file, 'utf8');
  let rssBytes = 0;
  let pssBytes = 0;
  let processes = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = read(`/proc/${entry}/stat`);
    } catch {
      continue; // the process ended between readdir and read: not ours to count
    }
    // "pid (comm) state ppid ...": comm may hold spaces, so split after the last ")".
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const parentPid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parentPid !== masterPid || comm !== 'imap') continue;
    try {
      rssBytes += readRssBytes(Number(entry), read);
      pssBytes += readPssBytes(Number(entry), read);
      processes++;
    } catch {
      continue; // exited meanwhile
    }
  }
  return { rssBytes, pssBytes, processes };
}
