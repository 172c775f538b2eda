// Runtime RSS per agent: N offline agents started through the swarm runtime in a child process, each with
// its IMAP connection idling on INBOX. (RSS with all agents idle − RSS before the first agent) / N, read
// from /proc/<child>/status; the heap figure comes from the child after a full GC.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readRssBytes, type BenchServer, type BenchUser } from './bench-server.ts';
import { requestChild } from './child-ipc.ts';
import type { SwarmChildMessage } from './swarm-agents-child.ts';

const CHILD = fileURLToPath(new URL('./swarm-agents-child.ts', import.meta.url));

export interface AgentMemoryRun {
  agents: number;
  rssPerAgentBytes: number;
  heapPerAgentBytes: number;
  baselineRssBytes: number;
  connectMs: number;
}

export async function measureAgentMemory(server: BenchServer, agents: BenchUser[]): Promise<AgentMemoryRun> {
  const child = fork(CHILD, [], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const rss = (): number => readRssBytes(child.pid!, (file) => readFileSync(file, 'utf8'));
  try {
    const baselineSeen = requestChild<SwarmChildMessage, 'baseline'>(child, {
      type: 'start',
      server: { host: server.host, imapPort: server.imapPort, submissionPort: server.submissionPort },
      domain: server.domain,
      agents,
    }, 'baseline', 60_000);
    const readyListener = waitForMessage(child, 'ready', 400_000);
    const baseline = await baselineSeen;
    const baselineRss = rss();
    const ready = await readyListener;
    const measured = await requestChild<SwarmChildMessage, 'measured'>(child, { type: 'measure' }, 'measured', 30_000);
    const finalRss = rss();
    return {
      agents: agents.length,
      rssPerAgentBytes: (finalRss - baselineRss) / agents.length,
      heapPerAgentBytes: (measured.heapUsed - baseline.heapUsed) / agents.length,
      baselineRssBytes: baselineRss,
      connectMs: ready.connectMs,
    };
  } finally {
    if (child.connected) await requestChild<SwarmChildMessage, 'stopped'>(child, { type: 'stop' }, 'stopped', 60_000);
    await exited;
  }
}

function waitForMessage(child: ReturnType<typeof fork>, type: 'ready', timeoutMs: number): Promise<Extract<SwarmChildMessage, { type: 'ready' }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agents child sent no "${type}" within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: SwarmChildMessage): void => {
      if (message.type === type) {
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(message);
      } else if (message.type === 'error') {
        clearTimeout(timer);
        child.off('message', onMessage);
        reject(new Error(`agents child: ${message.message}`));
      }
    };
    child.on('message', onMessage);
  });
}
