// Child process that starts N offline agents through the swarm runtime (src/swarm, imapflow + nodemailer),
// so the parent can read the runtime's RSS per agent from /proc without its own sockets in the figure.
// IPC: {type:'start'} → {type:'baseline'} (after imports, before any agent) → {type:'ready'} once every
// agent is connected and idle; {type:'stop'} → stops the swarm and exits.
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../src/logger.ts';
import { OfflineModel } from '../src/providers/offline/offline-model.ts';
import type { AgentDefinition } from '../src/swarm/agent-definition.ts';
import { startSwarm, type Swarm } from '../src/swarm/swarm-runtime.ts';

export interface SwarmStartRequest {
  type: 'start';
  server: { host: string; imapPort: number; submissionPort: number };
  domain: string;
  agents: Array<{ name: string; password: string }>;
}

export type SwarmParentMessage = SwarmStartRequest | { type: 'measure' } | { type: 'stop' };

export type SwarmChildMessage =
  | { type: 'baseline'; heapUsed: number }
  | { type: 'ready'; connectMs: number }
  | { type: 'measured'; heapUsed: number }
  | { type: 'error'; message: string }
  | { type: 'stopped' };

let swarm: Swarm | undefined;

function send(message: SwarmChildMessage): void {
  process.send!(message);
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function definitionFor(name: string): AgentDefinition {
  return {
    name,
    displayName: undefined,
    model: 'offline',
    role: 'benchmark agent that only idles',
    wake: 'to',
    baseURL: undefined,
    fallbackModel: undefined,
    projects: [],
    maintainer: false,
    budgets: { maxTurnsPerThreadPerDay: 20, maxOutputTokens: 1024, maxToolStepsPerTurn: 4 },
    persona: 'You idle.',
    sourceFile: undefined,
  };
}

async function start(request: SwarmStartRequest): Promise<void> {
  collectGarbage();
  send({ type: 'baseline', heapUsed: process.memoryUsage().heapUsed });
  const passwords = new Map(request.agents.map((agent) => [agent.name, agent.password]));
  const started = performance.now();
  swarm = await startSwarm({
    agents: request.agents.map((agent) => definitionFor(agent.name)),
    server: request.server,
    credentials: (name) => ({ user: `${name}@${request.domain}`, password: passwords.get(name)! }),
    domain: request.domain,
    humans: [],
    createModel: (agent) => new OfflineModel({ id: `offline:${agent.name}` }),
    logger: silentLogger,
  });
  const deadline = performance.now() + 300_000;
  // Poll with a deadline: the runtime reports states, not a single "all connected" event.
  while (swarm.agents.some((agent) => agent.state() !== 'idle')) {
    if (performance.now() > deadline) {
      const waiting = swarm.agents.filter((agent) => agent.state() !== 'idle').map((agent) => `${agent.name}=${agent.state()}`);
      throw new Error(`agents not idle after 300 s: ${waiting.slice(0, 10).join(', ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  send({ type: 'ready', connectMs: performance.now() - started });
}

process.on('message', (message: SwarmParentMessage) => {
  const handle = async (): Promise<void> => {
    if (message.type === 'start') await start(message);
    else if (message.type === 'measure') {
      collectGarbage();
      send({ type: 'measured', heapUsed: process.memoryUsage().heapUsed });
    } else if (message.type === 'stop') {
      await swarm?.stop();
      send({ type: 'stopped' });
      process.disconnect?.();
    }
  };
  handle().catch((error: unknown) => {
    send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  });
});
