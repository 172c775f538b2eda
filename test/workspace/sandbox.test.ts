// The command sandbox (src/workspace/sandbox/): real bwrap runs against a temporary data dir with a mail store,
// credentials and other agents' workspaces, a loopback server standing in for the post office, the wall
// clock, the process limit (proved before a fork bomb is let loose), the memory limit and the output caps;
// then `sandbox: none`, an unavailable bwrap, and the pure parts (mount plan, output cap, mountinfo parsing).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bubblewrapArguments, type BubblewrapPlan } from '../../src/workspace/sandbox/bubblewrap-arguments.ts';
import { CappedOutput } from '../../src/workspace/sandbox/capped-output.ts';
import { parseCgroupMounts } from '../../src/workspace/sandbox/cgroup-limits.ts';
import { findExecutable } from '../../src/workspace/sandbox/process-limits.ts';
import { formatRunResult, Sandbox, SandboxUnavailableError } from '../../src/workspace/sandbox/sandbox.ts';
import { waitFor } from '../helpers/wait-for.ts';

const bwrapInstalled = findExecutable('bwrap') !== undefined;

/** Set by the process-limit test; the fork-bomb test refuses to run without it. */
let processLimitProven = false;

/** Pids whose command line contains `marker` (the runs use unique sleep durations as markers). */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) found.push(Number(entry));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
  return found;
}

/** Connects from this process: proves the stand-in post office is listening and still answering. */
function greetingFrom(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setEncoding('utf8');
    socket.once('data', (text: string) => {
      socket.destroy();
      resolve(text);
    });
    socket.once('error', reject);
  });
}

const connectCommand = (port: number): string =>
  `node -e 'const s = require("net").connect(${port}, "127.0.0.1"); s.on("data", (d) => { process.stdout.write("CONNECTED " + d); process.exit(0); }); s.on("error", (e) => { console.log("REFUSED " + e.code); process.exit(1); })'`;

const uniqueSleep = (): string => `600.${process.pid}${Math.floor(Math.random() * 1e6)}`;

describe.skipIf(!bwrapInstalled)(`command sandbox with bubblewrap${bwrapInstalled ? '' : ' (skipped: bubblewrap is not installed)'}`, () => {
  let dataDir: string;
  let workspace: string;
  let sandbox: Sandbox;
  let unsandboxed: Sandbox;
  let postOffice: net.Server;
  let postOfficePort: number;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-sandbox-data-'));
    writeFileSync(path.join(dataDir, 'credentials.json'), '{"builder":"secret-password"}\n');
    writeFileSync(path.join(dataDir, 'mail.sqlite'), 'SQLite format 3\0mail\n');
    workspace = path.join(dataDir, 'workspaces', 'builder', 'demo');
    mkdirSync(workspace, { recursive: true });
    mkdirSync(path.join(dataDir, 'workspaces', 'reviewer', 'demo'), { recursive: true });
    writeFileSync(path.join(dataDir, 'workspaces', 'reviewer', 'demo', 'private.txt'), 'reviewer only\n');
    postOffice = net.createServer((socket) => socket.end('* OK post office ready\r\n'));
    await new Promise<void>((resolve) => postOffice.listen(0, '127.0.0.1', resolve));
    postOfficePort = (postOffice.address() as net.AddressInfo).port;
    sandbox = await Sandbox.create({ mode: 'bubblewrap', hiddenPaths: [dataDir] });
    unsandboxed = await Sandbox.create({ mode: 'none', hiddenPaths: [dataDir] });
  });

  afterAll(async () => {
    await new Promise((resolve) => postOffice?.close(resolve));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('probes bubblewrap once and says how the limits are enforced', () => {
    expect(sandbox.status).toMatchObject({ mode: 'bubblewrap', available: true });
    expect(sandbox.status.description).toContain('bubblewrap');
    expect(sandbox.status.description).toContain('no network');
    expect(['cgroup-v1', 'cgroup-v2', 'rlimit', 'none']).toContain(sandbox.status.limitsEnforcedBy);
    if (sandbox.status.limitsEnforcedBy !== 'cgroup-v1' && sandbox.status.limitsEnforcedBy !== 'cgroup-v2') expect(sandbox.status.reason).toBeTruthy();
  });

  it('hides the data dir (credentials, mail store, other workspaces) and writes only in its workspace', async () => {
    const result = await sandbox.run({
      workdir: workspace,
      command: [
        `cat ${dataDir}/credentials.json || echo NO-CREDENTIALS`,
        `cat ${dataDir}/mail.sqlite || echo NO-MAIL-STORE`,
        `echo "data dir: $(ls -A ${dataDir} | tr '\\n' ' ')"`,
        `echo "workspaces: $(ls -A ${dataDir}/workspaces | tr '\\n' ' ')"`,
        `cat ${dataDir}/workspaces/reviewer/demo/private.txt || echo NO-OTHER-WORKSPACE`,
        'echo built > build-output.txt',
        // Inside, the data dir's path is only the private /tmp's scaffolding around the workspace mount.
        `touch ${dataDir}/planted`,
        'touch /usr/planted || echo NO-WRITE-USR',
        'touch /etc/planted || echo NO-WRITE-ETC',
        'pwd',
      ].join('; '),
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toContain('secret-password');
    expect(result.stdout).not.toContain('reviewer only');
    expect(result.stdout).toContain('NO-CREDENTIALS');
    expect(result.stdout).toContain('NO-MAIL-STORE');
    expect(result.stdout).toContain('data dir: workspaces \n');
    expect(result.stdout).toContain('workspaces: builder \n');
    expect(result.stdout).toContain('NO-OTHER-WORKSPACE');
    expect(result.stdout).toContain('NO-WRITE-USR');
    expect(result.stdout).toContain('NO-WRITE-ETC');
    expect(result.stdout.trim().split('\n').at(-1)).toBe(workspace);
    expect(readFileSync(path.join(workspace, 'build-output.txt'), 'utf8')).toBe('built\n');
    expect(readdirSync(dataDir).sort()).toEqual(['credentials.json', 'mail.sqlite', 'workspaces']);
  });

  it('masks a hidden path that lies under a bound system directory, and root-only files of /etc', async () => {
    const hiddenSystemDir = ['/usr/share/doc', '/usr/share/common-licenses', '/usr/share/man'].find((candidate) => {
      try {
        return readdirSync(candidate).length > 0;
      } catch {
        return false;
      }
    });
    expect(hiddenSystemDir, 'a non-empty directory under /usr/share to hide').toBeDefined();
    const masking = await Sandbox.create({ mode: 'bubblewrap', hiddenPaths: [dataDir, hiddenSystemDir!] });
    const result = await masking.run({ workdir: workspace, command: `echo "entries: $(ls -A ${hiddenSystemDir} | wc -l)"; ls /usr/bin/sh >/dev/null && echo SYSTEM-VISIBLE; cat /etc/shadow >/dev/null 2>&1 || echo NO-SHADOW` });
    expect(result.stdout).toContain('entries: 0');
    expect(result.stdout).toContain('SYSTEM-VISIBLE');
    if (process.getuid?.() === 0) expect(result.stdout).toContain('NO-SHADOW');
  });

  it('shows an extra read-only path inside the hidden data dir only when asked, and only read-only', async () => {
    const shared = path.join(dataDir, 'workspaces', 'reviewer', 'demo');
    const result = await sandbox.run({ workdir: workspace, readOnlyPaths: [shared], command: `cat ${shared}/private.txt; touch ${shared}/planted || echo NO-WRITE-SHARED; cat ${dataDir}/credentials.json || echo NO-CREDENTIALS` });
    expect(result.stdout).toBe('reviewer only\nNO-WRITE-SHARED\nNO-CREDENTIALS\n');
    expect(readdirSync(shared)).toEqual(['private.txt']);
  });

  it('passes no secret of the environment, and runs the same node as mailswarm', async () => {
    const saved = process.env.ANTHROPIC_API_KEY;
    process.env.ANTHROPIC_API_KEY = 'sk-ant-must-not-leak';
    try {
      const result = await sandbox.run({ workdir: workspace, command: 'env; node --version', env: { GIT_AUTHOR_NAME: 'builder' } });
      expect(result.exitCode).toBe(0);
      expect(result.stdout).not.toMatch(/_API_KEY/);
      expect(result.stdout).not.toContain('sk-ant-must-not-leak');
      expect(result.stdout).toContain('HOME=/tmp\n');
      expect(result.stdout).toContain('GIT_AUTHOR_NAME=builder\n');
      expect(result.stdout.trim().split('\n').at(-1)).toBe(process.version);
      await expect(sandbox.run({ workdir: workspace, command: 'true', env: { OPENAI_API_KEY: 'sk-no' } })).rejects.toThrow(/OPENAI_API_KEY.*secret/);
    } finally {
      if (saved === undefined) delete process.env.ANTHROPIC_API_KEY;
      else process.env.ANTHROPIC_API_KEY = saved;
    }
  });

  it('cannot connect to a server on the host loopback, which answers the same command outside', async () => {
    expect(await greetingFrom(postOfficePort)).toContain('post office ready');
    const outside = await unsandboxed.run({ workdir: workspace, command: connectCommand(postOfficePort) });
    expect(outside.stdout).toContain('CONNECTED * OK post office ready');
    const inside = await sandbox.run({ workdir: workspace, command: connectCommand(postOfficePort) });
    expect(inside.exitCode).toBe(1);
    expect(inside.stdout).toContain('REFUSED ECONNREFUSED');
  });

  it('kills `sleep 600` and its background child at the wall-clock limit', async () => {
    const marker = uniqueSleep();
    const result = await sandbox.run({ workdir: workspace, command: `sleep ${marker}1 & sleep ${marker}2`, limits: { timeoutMs: 1_500 } });
    expect(result.killed).toBe('timeout');
    expect(processesWith(marker)).toEqual([]);
    expect(formatRunResult(result)).toContain('1.5 s wall-clock limit');
  });

  it('stops a run when its abort signal fires', async () => {
    const controller = new AbortController();
    const running = sandbox.run({ workdir: workspace, command: 'touch started; sleep 600', signal: controller.signal });
    await waitFor(() => readdirSync(workspace).includes('started'), { what: 'the command to start' });
    controller.abort();
    const result = await running;
    expect(result.killed).toBe('aborted');
  });

  it('enforces the process limit: 100 background sleeps under maxProcesses 32 see fork failures', async () => {
    const marker = uniqueSleep();
    const result = await sandbox.run({
      workdir: workspace,
      command: `i=0; while [ $i -lt 100 ]; do sleep ${marker} & i=$((i + 1)); done; echo STARTED-ALL`,
      limits: { maxProcesses: 32, timeoutMs: 30_000 },
    });
    expect(result.killed).toBeUndefined();
    expect(result.stdout).not.toContain('STARTED-ALL');
    expect(result.stderr).toMatch(/fork|Resource temporarily unavailable/i);
    if (sandbox.status.limitsEnforcedBy.startsWith('cgroup')) expect(result.processLimitReached).toBe(true);
    expect(processesWith(marker)).toEqual([]);
    processLimitProven = true;
  });

  it('kills a fork bomb at the wall clock while this process keeps serving (only after the limit was proven)', async () => {
    expect(processLimitProven, 'the process-limit test must pass first: a fork bomb without a working limit would take the machine down').toBe(true);
    // The sleep keeps the run alive: bwrap ends the whole pid namespace as soon as the main shell exits.
    const marker = uniqueSleep();
    const result = await sandbox.run({ workdir: workspace, command: `sleep ${marker} & bash -c ':(){ :|:& };:'; wait`, limits: { maxProcesses: 64, timeoutMs: 3_000 } });
    expect(result.killed).toBe('timeout');
    if (sandbox.status.limitsEnforcedBy.startsWith('cgroup')) expect(result.processLimitReached).toBe(true);
    expect(processesWith(marker)).toEqual([]);
    expect(await greetingFrom(postOfficePort)).toContain('post office ready');
    const after = await sandbox.run({ workdir: workspace, command: 'echo still serving' });
    expect(after.stdout).toBe('still serving\n');
  });

  it('holds the memory limit: 2 GiB in python3 under maxMemoryBytes 256 MiB fails or is killed', async () => {
    const result = await sandbox.run({ workdir: workspace, command: `python3 -c 'data = b"x" * (2 << 30); print("ALLOCATED", len(data))'`, limits: { maxMemoryBytes: 256 * 1024 * 1024 } });
    expect(result.stdout).not.toContain('ALLOCATED');
    expect(result.exitCode).not.toBe(0);
    if (sandbox.status.limitsEnforcedBy.startsWith('cgroup')) expect(result.killed).toBe('memory');
    else expect(result.stderr).toContain('MemoryError');
    if (result.killed === 'memory') expect(formatRunResult(result)).toContain('256 MiB memory limit');
  });

  it('caps each output stream, keeping its beginning and its end', async () => {
    const result = await sandbox.run({ workdir: workspace, command: "echo FIRST; head -c 200000 /dev/zero | tr '\\0' a; echo; echo LAST; echo ERR >&2", limits: { maxOutputBytes: 1_000 } });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.startsWith('FIRST\n')).toBe(true);
    expect(result.stdout.endsWith('LAST\n')).toBe(true);
    expect(result.stdoutOmittedBytes).toBe(6 + 200_000 + 1 + 5 - 1_000);
    expect(result.stdout).toContain(`[... ${result.stdoutOmittedBytes} bytes omitted]`);
    expect(result.stderr).toBe('ERR\n');
    expect(result.stderrOmittedBytes).toBe(0);
    const text = formatRunResult(result);
    expect(text).toMatch(/^exit code 0 after \d+\.\d+ s\n/);
    expect(text).toContain(`stdout (${result.stdoutOmittedBytes} bytes omitted in the middle`);
    expect(text).toContain('stderr:\nERR');
  });

  it('refuses a workdir that would expose system directories read-write', async () => {
    await expect(sandbox.run({ workdir: '/', command: 'true' })).rejects.toThrow(/system directory/);
    await expect(sandbox.run({ workdir: 'relative/path', command: 'true' })).rejects.toThrow(/absolute/);
  });
});

describe('sandbox: none', () => {
  let workdir: string;
  let sandbox: Sandbox;

  beforeAll(async () => {
    workdir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-sandbox-none-'));
    sandbox = await Sandbox.create({ mode: 'none', hiddenPaths: [] });
  });
  afterAll(() => rmSync(workdir, { recursive: true, force: true }));

  it('says it does not isolate, yet runs with a clean environment in the workdir', async () => {
    expect(sandbox.status).toMatchObject({ mode: 'none', available: true });
    expect(sandbox.status.reason).toContain('no isolation');
    expect(sandbox.status.description).toContain('WITHOUT isolation');
    const saved = process.env.ANTHROPIC_API_KEY;
    process.env.ANTHROPIC_API_KEY = 'sk-ant-must-not-leak';
    try {
      const result = await sandbox.run({ workdir, command: 'env; pwd' });
      expect(result.stdout).not.toMatch(/_API_KEY/);
      expect(result.stdout.trim().split('\n').at(-1)).toBe(workdir);
    } finally {
      if (saved === undefined) delete process.env.ANTHROPIC_API_KEY;
      else process.env.ANTHROPIC_API_KEY = saved;
    }
  });

  it('kills the process tree at the wall-clock limit and background jobs when the command ends', async () => {
    const marker = uniqueSleep();
    const timedOut = await sandbox.run({ workdir, command: `sleep ${marker}1 & sleep ${marker}2`, limits: { timeoutMs: 1_000 } });
    expect(timedOut.killed).toBe('timeout');
    expect(processesWith(marker)).toEqual([]);
    const leftBehind = await sandbox.run({ workdir, command: `sleep ${marker}3 & echo started` });
    expect(leftBehind).toMatchObject({ exitCode: 0, stdout: 'started\n', killed: undefined });
    expect(processesWith(marker)).toEqual([]);
  });
});

describe('bubblewrap unavailable', () => {
  it('reports why, and refuses to run commands', async () => {
    const missing = path.join(os.tmpdir(), 'no-such-dir-for-mailswarm', 'bwrap');
    const sandbox = await Sandbox.create({ mode: 'bubblewrap', hiddenPaths: [], bwrapPath: missing });
    expect(sandbox.status).toMatchObject({ mode: 'bubblewrap', available: false, limitsEnforcedBy: 'none' });
    expect(sandbox.status.reason).toContain(missing);
    expect(sandbox.status.description).toContain('UNAVAILABLE');
    await expect(sandbox.run({ workdir: os.tmpdir(), command: 'true' })).rejects.toBeInstanceOf(SandboxUnavailableError);
  });
});

describe('sandbox building blocks', () => {
  const plan = (overrides: Partial<BubblewrapPlan>): string[] =>
    bubblewrapArguments({
      systemMounts: [
        { kind: 'ro-bind', source: '/usr', destination: '/usr' },
        { kind: 'symlink', source: 'usr/bin', destination: '/bin' },
        { kind: 'ro-bind', source: '/opt', destination: '/opt' },
      ],
      node: { binDir: '/opt/node/bin', prefix: '/opt/node' },
      hidden: [],
      workdir: '/srv/work',
      readOnlyPaths: [],
      environment: { PATH: '/usr/bin' },
      ...overrides,
    });
  const indexOfPair = (argv: string[], option: string, value: string): number => argv.findIndex((argument, index) => argument === option && argv[index + 1] === value);

  it('masks a hidden path before binding a workspace inside it, and after binding a workspace that contains it', () => {
    const inside = plan({ hidden: [{ path: '/opt/data', kind: 'directory' }], workdir: '/opt/data/workspaces/builder/demo' });
    expect(indexOfPair(inside, '--tmpfs', '/opt/data')).toBeGreaterThan(indexOfPair(inside, '--ro-bind', '/opt'));
    expect(indexOfPair(inside, '--bind', '/opt/data/workspaces/builder/demo')).toBeGreaterThan(indexOfPair(inside, '--tmpfs', '/opt/data'));
    expect(indexOfPair(inside, '--remount-ro', '/opt/data')).toBeGreaterThan(indexOfPair(inside, '--bind', '/opt/data/workspaces/builder/demo'));
    const containing = plan({ hidden: [{ path: '/srv/work/.mailswarm', kind: 'directory' }, { path: '/srv/work/key.pem', kind: 'file' }] });
    expect(indexOfPair(containing, '--tmpfs', '/srv/work/.mailswarm')).toBeGreaterThan(indexOfPair(containing, '--bind', '/srv/work'));
    expect(indexOfPair(containing, '--ro-bind', '/dev/null')).toBeGreaterThan(indexOfPair(containing, '--bind', '/srv/work'));
  });

  it('binds no system directory inside a hidden path, masks nothing that no bind shows, and clears the environment', () => {
    const argv = plan({ hidden: [{ path: '/opt/node', kind: 'directory' }, { path: '/var/lib/mailswarm', kind: 'directory' }] });
    expect(indexOfPair(argv, '--ro-bind', '/opt/node')).toBe(-1);
    expect(indexOfPair(argv, '--tmpfs', '/opt/node')).toBeGreaterThan(indexOfPair(argv, '--ro-bind', '/opt'));
    expect(argv).not.toContain('/var/lib/mailswarm');
    expect(argv).toEqual(expect.arrayContaining(['--unshare-all', '--die-with-parent', '--new-session', '--clearenv']));
    expect(indexOfPair(argv, '--cap-drop', 'ALL')).toBeGreaterThanOrEqual(0);
    expect(indexOfPair(argv, '--symlink', 'usr/bin')).toBeGreaterThanOrEqual(0);
    expect(indexOfPair(argv, '--setenv', 'PATH')).toBeGreaterThan(argv.indexOf('--clearenv'));
  });

  it('keeps the head and tail of capped output on UTF-8 character boundaries', () => {
    const output = new CappedOutput(10);
    output.write(Buffer.from('ééééé', 'utf8')); // 10 bytes
    output.write(Buffer.from('ab'));
    output.write(Buffer.from('€€€', 'utf8')); // 9 bytes
    const { text, omittedBytes } = output.finish();
    expect(text).not.toContain('\uFFFD');
    expect(text).toBe(`éé\n[... ${omittedBytes} bytes omitted]\n€`);
    expect(omittedBytes).toBe(21 - 4 - 3);
    const small = new CappedOutput(64);
    small.write(Buffer.from('short\n'));
    expect(small.finish()).toEqual({ text: 'short\n', omittedBytes: 0 });
  });

  it('reads cgroup mounts from mountinfo, including escaped paths', () => {
    const mounts = parseCgroupMounts(
      [
        '35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
        '39 31 0:36 /docker/abc /sys/fs/cgroup/pids\\040x rw,relatime shared:1 - cgroup cgroup rw,pids',
        '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
        '22 1 8:1 / / rw - ext4 /dev/sda1 rw',
      ].join('\n'),
    );
    expect(mounts).toEqual([
      { mountPoint: '/sys/fs/cgroup/memory', root: '/', fsType: 'cgroup', superOptions: ['rw', 'memory'] },
      { mountPoint: '/sys/fs/cgroup/pids x', root: '/docker/abc', fsType: 'cgroup', superOptions: ['rw', 'pids'] },
      { mountPoint: '/sys/fs/cgroup/unified', root: '/', fsType: 'cgroup2', superOptions: ['rw'] },
    ]);
  });
});
