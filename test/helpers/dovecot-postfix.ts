// Starts Debian's real Dovecot (IMAP + LMTP) and Postfix (submission + inbound SMTP) on loopback ports in a
// private directory, so tests can prove the swarm runtime is server-agnostic. Each daemon gets its own
// config dir and is stopped by pid. Needs root and the packages from scripts/install-test-packages.sh.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from './wait-for.ts';

export interface DovecotPostfix {
  host: string;
  imapPort: number;
  submissionPort: number;
  smtpPort: number;
  directory: string;
  close(): Promise<void>;
}

/** Why the real servers cannot run here, or undefined when they can. */
export function dovecotPostfixUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to run Dovecot and Postfix';
  for (const binary of ['/usr/sbin/dovecot', '/usr/sbin/postfix', '/usr/lib/dovecot/lmtp']) {
    if (!existsSync(binary)) return `${binary} is missing (run scripts/install-test-packages.sh)`;
  }
  return undefined;
}

export interface DovecotPostfixOptions {
  domain: string;
  users: Array<{ name: string; password: string }>;
  /**
   * Concurrent IMAP sessions Dovecot must hold (one imap process each). Dovecot's defaults (100 processes
   * per service, 10 connections per user and IP) suit tests; the benchmarks raise them. Default: defaults.
   */
  maxImapSessions?: number;
}

export async function startDovecotPostfix(options: DovecotPostfixOptions): Promise<DovecotPostfix> {
  const unavailable = dovecotPostfixUnavailable();
  if (unavailable) throw new Error(unavailable);
  const directory = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-dovecot-postfix-'));
  chmodSync(directory, 0o755);
  const [imapPort, lmtpPort, submissionPort, smtpPort] = await freePorts(4);
  const dovecotConfig = writeDovecotConfig(directory, options, imapPort!, lmtpPort!);
  const postfixDir = writePostfixConfig(directory, options, lmtpPort!, submissionPort!, smtpPort!);

  // The daemons inherit stdio: piping it would make the synchronous call wait for them to exit.
  execFileSync('/usr/sbin/dovecot', ['-c', dovecotConfig], { stdio: 'ignore' });
  const postfix = spawnSync('/usr/sbin/postfix', ['-c', postfixDir, 'start'], { stdio: 'ignore' });
  if (postfix.status !== 0) {
    stopDovecot(dovecotConfig);
    const log = path.join(directory, 'postfix.log');
    throw new Error(`postfix did not start (exit ${postfix.status}); see ${log}${existsSync(log) ? `:\n${readFileSync(log, 'utf8')}` : ''}`);
  }
  await waitFor(async () => (await canConnect(imapPort!)) && (await canConnect(submissionPort!)) && (await canConnect(smtpPort!)), {
    what: 'dovecot and postfix to listen',
    timeoutMs: 30_000,
  });
  return {
    host: '127.0.0.1',
    imapPort: imapPort!,
    submissionPort: submissionPort!,
    smtpPort: smtpPort!,
    directory,
    async close() {
      const postfixMaster = readPid(path.join(directory, 'postfix-queue', 'pid', 'master.pid'));
      spawnSync('/usr/sbin/postfix', ['-c', postfixDir, 'stop'], { stdio: 'ignore' });
      const dovecotMaster = stopDovecot(dovecotConfig);
      // Both masters still write into the directory (logs, queue, base_dir) while they shut down: removing it
      // before they are gone failed now and then with ENOTEMPTY.
      await waitFor(() => [postfixMaster, dovecotMaster].every((pid) => pid === undefined || !isRunning(pid)), {
        what: 'postfix and dovecot to exit',
        timeoutMs: 30_000,
      });
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

function writeDovecotConfig(directory: string, options: DovecotPostfixOptions, imapPort: number, lmtpPort: number): string {
  const run = path.join(directory, 'dovecot-run');
  const mail = path.join(directory, 'mail');
  mkdirSync(run, { recursive: true });
  mkdirSync(mail, { recursive: true });
  execFileSync('chown', ['mail:mail', mail]);
  const users = options.users.map((user) => `${user.name}@${options.domain}:{PLAIN}${user.password}::::::`).join('\n');
  writeFileSync(path.join(directory, 'dovecot-users'), `${users}\n`);
  const config = `# Test instance of Dovecot on loopback (written by test/helpers/dovecot-postfix.ts)
base_dir = ${run}
state_dir = ${run}/state
instance_name = mailswarm-test-${process.pid}-${imapPort}
listen = 127.0.0.1
protocols = imap lmtp
log_path = ${directory}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_username_format = %Lu
first_valid_uid = 8
mail_uid = mail
mail_gid = mail
mail_location = maildir:${mail}/%d/%n
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%Lu ${directory}/dovecot-users
}
userdb {
  driver = static
  args = uid=mail gid=mail home=${mail}/%d/%n
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
  mailbox Archive {
    special_use = \\Archive
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${lmtpPort}
  }
}
service auth {
  unix_listener ${directory}/postfix-auth {
    mode = 0666
  }
}
protocol lmtp {
  auth_username_format = %Lu
}
${options.maxImapSessions === undefined ? '' : sessionLimits(options.maxImapSessions)}`;
  const file = path.join(directory, 'dovecot.conf');
  writeFileSync(file, config);
  return file;
}

/** Raises the process and client limits so `sessions` IMAP clients (plus room for logins) fit. */
function sessionLimits(sessions: number): string {
  const processes = sessions + 100;
  return `default_process_limit = ${processes}
default_client_limit = ${processes * 2}
mail_max_userip_connections = ${sessions}
service imap {
  process_limit = ${processes}
}
service anvil {
  client_limit = ${processes * 2 + 100}
}
`;
}

function writePostfixConfig(directory: string, options: { domain: string; users: Array<{ name: string }> }, lmtpPort: number, submissionPort: number, smtpPort: number): string {
  const configDir = path.join(directory, 'postfix');
  const queueDir = path.join(directory, 'postfix-queue');
  const dataDir = path.join(directory, 'postfix-data');
  mkdirSync(configDir, { recursive: true });
  mkdirSync(queueDir, { recursive: true });
  mkdirSync(dataDir, { recursive: true });
  execFileSync('chown', ['postfix', dataDir]);
  writeFileSync(path.join(configDir, 'vmailbox'), options.users.map((user) => `${user.name}@${options.domain} ok`).join('\n') + '\n');
  writeFileSync(
    path.join(configDir, 'main.cf'),
    `# Test instance of Postfix on loopback (written by test/helpers/dovecot-postfix.ts)
compatibility_level = 3.6
queue_directory = ${queueDir}
data_directory = ${dataDir}
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.${options.domain}
mydomain = ${options.domain}
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.1/32
maillog_file_prefixes = ${directory}
maillog_file = ${directory}/postfix.log
virtual_mailbox_domains = ${options.domain}
virtual_mailbox_maps = texthash:${configDir}/vmailbox
virtual_transport = lmtp:inet:127.0.0.1:${lmtpPort}
smtpd_sasl_type = dovecot
smtpd_sasl_path = ${directory}/postfix-auth
smtpd_sasl_security_options = noanonymous
smtpd_relay_restrictions = reject_unauth_destination
smtpd_tls_security_level = none
smtp_tls_security_level = none
biff = no
append_dot_mydomain = no
default_destination_concurrency_limit = 20
`,
  );
  writeFileSync(
    path.join(configDir, 'master.cf'),
    `# service type private unpriv chroot wakeup maxproc command
127.0.0.1:${smtpPort} inet n - n - - smtpd
127.0.0.1:${submissionPort} inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
smtp unix - - n - - smtp
relay unix - - n - - smtp
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
local unix - n n - - local
virtual unix - n n - - virtual
lmtp unix - - n - - lmtp
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
`,
  );
  return configDir;
}

/** SIGTERM to Dovecot's master; returns its pid (undefined when it never wrote one). */
function stopDovecot(configFile: string): number | undefined {
  const baseDir = /base_dir = (.*)/.exec(readFileSync(configFile, 'utf8'))?.[1];
  const pid = baseDir ? readPid(path.join(baseDir, 'master.pid')) : undefined;
  if (pid !== undefined) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
  return pid;
}

function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Ports the kernel just handed out for port 0; the daemons bind them right after. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<net.Server>((resolve) => {
      const server = net.createServer();
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
