// A Docker engine for the compose tests: the one DOCKER_HOST or the default socket names when it answers,
// else Debian's dockerd started here with no bridge and no iptables (tests send traffic only to loopback, so
// the services use the host network: docker-compose.host-network.yml), on its own socket and data root
// (/var/lib/mailswarm-test-docker keeps the base image and the build cache between runs), stopped by pid.
// Needs root and scripts/install-docker.sh (docker.io, debootstrap, Compose v2). Classic builder only.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from './wait-for.ts';

const ENGINE_DIR = '/run/mailswarm-test-docker';
const DATA_ROOT = '/var/lib/mailswarm-test-docker';

export interface DockerEngine {
  /** The environment for `docker` / `docker compose`: DOCKER_HOST, DOCKER_BUILDKIT=0. */
  env: NodeJS.ProcessEnv;
  /** Where the engine came from, for the test's report. */
  description: string;
  stop(): Promise<void>;
}

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; a non-zero exit rejects with the command and its output. */
export function run(file: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; input?: string } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { env: options.env, cwd: options.cwd, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ').slice(0, 300)} failed (${error.code ?? error.signal ?? error.message}):\n${stderr.slice(-6000)}\n${stdout.slice(-2000)}`));
      else resolve({ stdout, stderr });
    });
    if (options.input !== undefined) child.stdin!.end(options.input);
  });
}

function answers(env: NodeJS.ProcessEnv): boolean {
  return spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { env, stdio: 'ignore', timeout: 30_000 }).status === 0;
}

function engineEnv(host: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_BUILDKIT: '0', DOCKER_CLI_HINTS: 'false' };
  if (host === undefined) delete env.DOCKER_HOST;
  else env.DOCKER_HOST = host;
  return env;
}

/** Why no engine can be used here, or the engine. Starts dockerd when none answers. */
export async function startDockerEngine(): Promise<DockerEngine | { unavailable: string }> {
  if (spawnSync('docker', ['--version'], { stdio: 'ignore' }).status !== 0) return { unavailable: 'no docker CLI (run scripts/install-docker.sh)' };
  const compose = spawnSync('docker', ['compose', 'version', '--short'], { encoding: 'utf8' });
  if (compose.status !== 0 || !/^v?2\./.test(compose.stdout.trim())) return { unavailable: 'Docker Compose v2 is not installed as a docker CLI plugin (run scripts/install-docker.sh)' };

  const ownSocket = `unix://${ENGINE_DIR}/docker.sock`;
  const noop = async () => {};
  if (process.env.DOCKER_HOST && answers(engineEnv(process.env.DOCKER_HOST))) return { env: engineEnv(process.env.DOCKER_HOST), description: `the engine at ${process.env.DOCKER_HOST}`, stop: noop };
  // A test engine left running (a parallel or interrupted run) is used as is, and left running.
  if (existsSync(`${ENGINE_DIR}/docker.sock`) && answers(engineEnv(ownSocket))) return { env: engineEnv(ownSocket), description: `the test engine already running at ${ownSocket}`, stop: noop };
  if (existsSync('/var/run/docker.sock') && answers(engineEnv(undefined))) return { env: engineEnv(undefined), description: 'the engine at /var/run/docker.sock', stop: noop };

  if (process.getuid?.() !== 0) return { unavailable: 'no Docker engine answers and starting dockerd needs root' };
  const dockerd = spawnSync('sh', ['-c', 'command -v dockerd'], { encoding: 'utf8' }).stdout.trim();
  if (!dockerd) return { unavailable: 'no Docker engine answers and dockerd is not installed (run scripts/install-docker.sh)' };
  mkdirSync(ENGINE_DIR, { recursive: true });
  mkdirSync(DATA_ROOT, { recursive: true });
  const logFile = path.join(ENGINE_DIR, 'dockerd.log');
  const log = openSync(logFile, 'w');
  let child: ChildProcess;
  try {
    child = spawn(dockerd, [
      '--host', ownSocket,
      '--pidfile', path.join(ENGINE_DIR, 'dockerd.pid'),
      '--exec-root', path.join(ENGINE_DIR, 'exec'),
      '--data-root', DATA_ROOT,
      // No bridge and no iptables: nothing leaves loopback, and the machine's firewall is left alone.
      '--bridge=none',
      '--iptables=false',
      '--ip6tables=false',
    ], { stdio: ['ignore', log, log] });
  } finally {
    closeSync(log);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (!running()) return;
    child.kill('SIGTERM'); // dockerd stops its containers and its own containerd
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    await exited;
    clearTimeout(killer);
  };
  const failure = await waitFor(() => (!running() ? 'it exited' : answers(engineEnv(ownSocket)) && 'none'), { what: 'dockerd to answer', timeoutMs: 90_000, intervalMs: 250 }).catch(
    (error: Error) => error.message,
  );
  if (failure !== 'none') {
    await stop();
    const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join(' | ');
    return { unavailable: `dockerd could not start (${failure}): ${tail}` };
  }
  return { env: engineEnv(ownSocket), description: `dockerd (pid ${child.pid}, --bridge=none --iptables=false, log ${logFile})`, stop };
}
