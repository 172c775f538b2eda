// Wires the swarm runtime to a mail server: builds each agent's model (falling back to the offline model,
// said once and clearly, when a vendor key is missing) and starts one runtime per agent.
import type { MailswarmConfig } from '../config/config-schema.ts';
import type { Logger } from '../logger.ts';
import { createModel } from '../providers/create-model.ts';
import { MissingApiKeyError } from '../providers/missing-api-key-error.ts';
import { ModelSpecError } from '../providers/model-spec.ts';
import type { LanguageModel } from '../providers/model.ts';
import type { AgentDefinition } from '../swarm/agent-definition.ts';
import { startSwarm, type Swarm, type SwarmServerOptions } from '../swarm/swarm-runtime.ts';
import { CliError } from './cli-options.ts';

export interface PreparedModels {
  models: Map<string, LanguageModel>;
  /** agent name → why it runs on the offline model instead of its configured vendor */
  fallbacks: Map<string, string>;
}

/** Builds every model up front so a bad spec stops the start with the agent's file named. */
export function prepareModels(agents: AgentDefinition[], options: { allowOfflineFallback: boolean; env?: NodeJS.ProcessEnv }): PreparedModels {
  const models = new Map<string, LanguageModel>();
  const fallbacks = new Map<string, string>();
  for (const agent of agents) {
    try {
      const created = createModel(agent.model, { baseURL: agent.baseURL, allowOfflineFallback: options.allowOfflineFallback, env: options.env });
      models.set(agent.name, created.model);
      if (created.fellBackToOffline) fallbacks.set(agent.name, created.reason ?? 'no API key: offline model');
    } catch (error) {
      if (error instanceof ModelSpecError || error instanceof MissingApiKeyError || error instanceof RangeError || error instanceof TypeError) {
        throw new CliError(`${agent.sourceFile ?? agent.name}: field "model": ${(error as Error).message}`);
      }
      throw error;
    }
  }
  return { models, fallbacks };
}

export function describeFallbacks(fallbacks: Map<string, string>): string | undefined {
  if (fallbacks.size === 0) return undefined;
  const lines = [...fallbacks].map(([name, reason]) => `  ${name}: ${reason}`);
  return `Offline model in use (no network, deterministic rules; replies say so):\n${lines.join('\n')}\nSet the API key(s) in the environment to use the real models.`;
}

export async function startAgents(options: {
  config: MailswarmConfig;
  agents: AgentDefinition[];
  models: Map<string, LanguageModel>;
  server: SwarmServerOptions;
  credentials: (agentName: string) => { user: string; password: string };
  logger: Logger;
}): Promise<Swarm> {
  const { config } = options;
  return startSwarm({
    agents: options.agents,
    server: options.server,
    credentials: options.credentials,
    domain: config.domain,
    humans: config.humans.map((human) => ({ address: `${human.name}@${config.domain}`.toLowerCase(), displayName: human.displayName })),
    createModel: (agent) => options.models.get(agent.name)!,
    logger: options.logger,
  });
}
