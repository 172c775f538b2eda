// Wires the swarm runtime to a mail server: builds each agent's model (falling back to the offline model,
// said once and clearly, when a vendor key is missing) and starts one runtime per agent.
import path from 'node:path';
import type { MailswarmConfig } from '../config/config-schema.ts';
import type { Logger } from '../logger.ts';
import { createModel } from '../providers/create-model.ts';
import { MissingApiKeyError } from '../providers/missing-api-key-error.ts';
import { ModelSpecError } from '../providers/model-spec.ts';
import type { LanguageModel } from '../providers/model.ts';
import { ModelRecorder } from '../providers/record-replay/model-recorder.ts';
import { ReplayModel } from '../providers/record-replay/replay-model.ts';
import type { AgentDefinition } from '../swarm/agent-definition.ts';
import type { WorkspaceSettings } from '../swarm/agent-workspaces.ts';
import { startSwarm, type Swarm, type SwarmServerOptions } from '../swarm/swarm-runtime.ts';
import { CliError } from './cli-options.ts';

export interface PreparedModels {
  models: Map<string, LanguageModel>;
  /** agent name → why it runs on the offline model instead of its configured vendor */
  fallbacks: Map<string, string>;
}

export interface ModelPreparation {
  allowOfflineFallback: boolean;
  env?: NodeJS.ProcessEnv;
  /** Store every model request and response of the run in this folder (one JSON-lines file per agent). */
  recordDir?: string | undefined;
  /** Answer every model call from a folder written by recordDir instead of calling any model. */
  replayDir?: string | undefined;
}

/** Builds every model up front so a bad spec stops the start with the agent's file named. */
export function prepareModels(agents: AgentDefinition[], options: ModelPreparation): PreparedModels {
  const models = new Map<string, LanguageModel>();
  const fallbacks = new Map<string, string>();
  const recorder = options.recordDir ? new ModelRecorder(options.recordDir) : undefined;
  for (const agent of agents) {
    const field = (name: string) => `${agent.sourceFile ?? agent.name}: field "${name}"`;
    let model: LanguageModel;
    if (options.replayDir) {
      try {
        model = ReplayModel.load(options.replayDir, agent.name);
      } catch (error) {
        throw new CliError(`--replay ${options.replayDir}: ${(error as Error).message}`);
      }
    } else {
      // With a fallbackModel, a missing key means "play the fallback", not "stop".
      const created = createAgentModel(agent, agent.model, options.allowOfflineFallback || agent.fallbackModel !== undefined, options, field('model'));
      model = created.model;
      if (created.fellBackToOffline && agent.fallbackModel !== undefined) {
        model = createAgentModel(agent, agent.fallbackModel, false, options, field('fallbackModel')).model;
        // "ANTHROPIC_API_KEY is not set, so model X runs on the offline model": the first half is the news here.
        const missing = created.reason?.split(', so ')[0] ?? 'no API key';
        fallbacks.set(agent.name, `${missing}, so its fallbackModel ${agent.fallbackModel} plays instead of "${agent.model}"`);
      } else if (created.fellBackToOffline) {
        fallbacks.set(agent.name, created.reason ?? 'no API key: offline model');
      }
    }
    models.set(agent.name, recorder ? recorder.wrap(agent.name, model) : model);
  }
  return { models, fallbacks };
}

function createAgentModel(agent: AgentDefinition, spec: string, allowOfflineFallback: boolean, options: ModelPreparation, field: string): ReturnType<typeof createModel> {
  try {
    return createModel(spec, {
      baseURL: agent.baseURL,
      allowOfflineFallback,
      env: options.env,
      // A scripted model's file is named relative to the agent's definition file.
      baseDir: agent.sourceFile ? path.dirname(path.resolve(agent.sourceFile)) : process.cwd(),
    });
  } catch (error) {
    if (error instanceof ModelSpecError || error instanceof MissingApiKeyError || error instanceof RangeError || error instanceof TypeError) {
      throw new CliError(`${field}: ${(error as Error).message}`);
    }
    throw error;
  }
}

/** Deterministic models (scripted, offline, replayed) get deterministic commit dates, so a replay makes the same commits. */
export function isDeterministicRun(models: Map<string, LanguageModel>, options: Pick<ModelPreparation, 'recordDir' | 'replayDir'>): boolean {
  if (options.recordDir || options.replayDir) return true;
  return [...models.values()].every((model) => model.vendor === 'scripted' || model.vendor === 'offline');
}

export function describeFallbacks(fallbacks: Map<string, string>): string | undefined {
  if (fallbacks.size === 0) return undefined;
  const lines = [...fallbacks].map(([name, reason]) => `  ${name}: ${reason}`);
  return `Offline or scripted model in use (no network, deterministic; mail says which model wrote it in X-Mailswarm-Model):\n${lines.join('\n')}\nSet the API key(s) in the environment to use the real models.`;
}

export async function startAgents(options: {
  config: MailswarmConfig;
  agents: AgentDefinition[];
  /** Agents run by other processes (`agents --shard`): known to the directory, not run here. */
  peers?: AgentDefinition[] | undefined;
  models: Map<string, LanguageModel>;
  server: SwarmServerOptions;
  credentials: (agentName: string) => { user: string; password: string };
  logger: Logger;
  workspaces?: WorkspaceSettings | undefined;
}): Promise<Swarm> {
  const { config } = options;
  return startSwarm({
    agents: options.agents,
    peers: options.peers,
    server: options.server,
    credentials: options.credentials,
    domain: config.domain,
    humans: config.humans.map((human) => ({ address: `${human.name}@${config.domain}`.toLowerCase(), displayName: human.displayName })),
    createModel: (agent) => options.models.get(agent.name)!,
    logger: options.logger,
    workspaces: options.workspaces,
  });
}
