// Starts every agent of the swarm against one IMAP + SMTP submission server (our post office, or Dovecot +
// Postfix, or any provider): builds the shared directory, asks the caller's factory for each agent's model,
// and forwards every agent's events (turn-started, turn-finished, state-changed, mail-skipped, mail-deferred)
// to one emitter.
import { EventEmitter } from 'node:events';
import type { Logger } from '../logger.ts';
import type { LanguageModel } from '../providers/model.ts';
import type { AgentDefinition } from './agent-definition.ts';
import { AgentRuntime, type AgentState, type RetryPolicy, type TurnFinishedEvent, type TurnStartedEvent } from './agent-runtime.ts';
import { AgentWorkspaces, type WorkspaceSettings } from './agent-workspaces.ts';
import { buildDirectory } from './directory.ts';
import type { ReconnectPolicy } from './mailbox-connection.ts';

export interface SwarmServerOptions {
  host: string;
  imapPort: number;
  submissionPort: number;
  /** Implicit TLS on both ports; otherwise STARTTLS when the server offers it. */
  secure?: boolean | undefined;
  /** Defaults to true except on loopback, where the post office's self-signed certificate is accepted. */
  tlsRejectUnauthorized?: boolean | undefined;
  /** IMAP STARTTLS: require (true), never (false), when offered (undefined). */
  doSTARTTLS?: boolean | undefined;
}

export interface StartSwarmOptions {
  agents: AgentDefinition[];
  /**
   * Agents that other processes run (the other shards of `mailswarm agents --shard`): in every agent's
   * directory, so they are addressed and trusted as peers, but not run here.
   */
  peers?: AgentDefinition[] | undefined;
  server: SwarmServerOptions;
  credentials: (agentName: string) => { user: string; password: string };
  domain: string;
  humans: Array<{ address: string; displayName?: string | undefined }>;
  createModel: (agent: AgentDefinition) => LanguageModel;
  logger: Logger;
  retry?: RetryPolicy | undefined;
  reconnect?: ReconnectPolicy | undefined;
  /** Projects, workspaces and sandbox for agents whose definition names projects. */
  workspaces?: WorkspaceSettings | undefined;
}

export interface SwarmAgentHandle {
  name: string;
  address: string;
  modelId: string;
  state(): AgentState;
  pause(): void;
  resume(): void;
}

export interface SwarmEvents {
  'turn-started': [TurnStartedEvent];
  'turn-finished': [TurnFinishedEvent];
  'state-changed': [{ agent: string; state: AgentState }];
  'mail-skipped': [{ agent: string; messageIds: string[]; reason: string }];
  /** Mail left unprocessed for now (the agent is paused by a STOP mail); it is handled after RESUME. */
  'mail-deferred': [{ agent: string; messageIds: string[]; reason: string }];
}

export interface Swarm {
  agents: SwarmAgentHandle[];
  on<Event extends keyof SwarmEvents>(event: Event, listener: (...args: SwarmEvents[Event]) => void): Swarm;
  once<Event extends keyof SwarmEvents>(event: Event, listener: (...args: SwarmEvents[Event]) => void): Swarm;
  off<Event extends keyof SwarmEvents>(event: Event, listener: (...args: SwarmEvents[Event]) => void): Swarm;
  stop(): Promise<void>;
}

export async function startSwarm(options: StartSwarmOptions): Promise<Swarm> {
  const names = new Set<string>();
  const everyAgent = [...options.agents, ...(options.peers ?? [])];
  for (const agent of everyAgent) {
    if (names.has(agent.name)) throw new Error(`two agents are named "${agent.name}"`);
    names.add(agent.name);
  }
  const directory = buildDirectory({ agents: everyAgent, humans: options.humans, domain: options.domain });
  const emitter = new EventEmitter();
  // Build every model before connecting anything, so a bad model spec fails the start, not a later turn.
  const models = options.agents.map((definition) => options.createModel(definition));
  const runtimes: AgentRuntime[] = options.agents.map((definition, index) => {
    const address = `${definition.name}@${options.domain}`.toLowerCase();
    const model = models[index]!;
    const logger = options.logger.child({ agent: definition.name, model: model.id });
    const workspaces = workspacesFor(definition, address, options.workspaces, logger);
    const runtime = new AgentRuntime({
      definition,
      address,
      imap: { host: options.server.host, port: options.server.imapPort, secure: options.server.secure, doSTARTTLS: options.server.doSTARTTLS, tlsRejectUnauthorized: options.server.tlsRejectUnauthorized },
      submission: { host: options.server.host, port: options.server.submissionPort, secure: options.server.secure, tlsRejectUnauthorized: options.server.tlsRejectUnauthorized },
      credentials: options.credentials(definition.name),
      directory,
      model,
      logger,
      retry: options.retry,
      reconnect: options.reconnect,
      workspaces,
    });
    for (const event of ['turn-started', 'turn-finished', 'state-changed', 'mail-skipped', 'mail-deferred'] as const) {
      runtime.on(event, (payload: unknown) => emitter.emit(event, payload));
    }
    return runtime;
  });
  for (const runtime of runtimes) runtime.start();
  options.logger.info({ agents: runtimes.map((runtime) => runtime.name) }, 'swarm started');

  const swarm: Swarm = {
    agents: runtimes.map((runtime, index) => ({
      name: runtime.name,
      address: `${runtime.name}@${options.domain}`.toLowerCase(),
      modelId: models[index]!.id,
      state: () => runtime.state(),
      pause: () => runtime.pause(),
      resume: () => runtime.resume(),
    })),
    on(event, listener) {
      emitter.on(event, listener as (...args: unknown[]) => void);
      return swarm;
    },
    once(event, listener) {
      emitter.once(event, listener as (...args: unknown[]) => void);
      return swarm;
    },
    off(event, listener) {
      emitter.off(event, listener as (...args: unknown[]) => void);
      return swarm;
    },
    async stop() {
      await Promise.all(runtimes.map((runtime) => runtime.stop()));
      options.logger.info('swarm stopped');
    },
  };
  return swarm;
}

function workspacesFor(definition: AgentDefinition, address: string, settings: WorkspaceSettings | undefined, logger: Logger): AgentWorkspaces | undefined {
  if (definition.projects.length === 0) return undefined;
  if (!settings) throw new Error(`agent ${definition.name} names projects (${definition.projects.join(', ')}) but the swarm was started without workspaces`);
  return new AgentWorkspaces({
    settings,
    agentName: definition.name,
    author: { name: definition.displayName ?? definition.name, email: address },
    projectNames: definition.projects,
    maintainer: definition.maintainer,
    logger,
  });
}
