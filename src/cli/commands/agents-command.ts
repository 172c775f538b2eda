// `mailswarm agents`: the agent runtime alone, against any IMAP/SMTP server (the embedded post office run
// by `mailswarm serve`, Dovecot/Postfix, a hosted provider). Credentials per agent come from, in order:
// MAILSWARM_USER_<NAME> / MAILSWARM_PASSWORD_<NAME> in the environment, a --credentials JSON file, or the
// post office's own <data>/credentials.json when it runs on this machine. `--shard INDEX/COUNT` runs a stable
// share of the agents (agent-shard.ts); the others stay in the directory as peers run by other processes.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { MailswarmConfig } from '../../config/config-schema.ts';
import { createLogger } from '../../logger.ts';
import { CREDENTIALS_FILE } from '../../postoffice/accounts/agent-credentials.ts';
import type { AgentDefinition } from '../../swarm/agent-definition.ts';
import { agentVariableSuffix } from '../agent-passwords.ts';
import { partitionAgents, parseShard, type Shard } from '../agent-shard.ts';
import { CliError, loadCliAgents, loadCliConfig, type GlobalOptions } from '../cli-options.ts';
import { runUntilSignal } from '../shutdown.ts';

interface AgentsOptions {
  credentials?: string;
  shard?: Shard;
  secure?: boolean;
  starttls?: boolean;
  tlsRejectUnauthorized?: boolean;
  offlineFallback: boolean;
}

export function registerAgentsCommand(program: Command): void {
  program
    .command('agents')
    .description('run the agents only, against any IMAP/SMTP server (host and ports from --host, --imap-port, --submission-port or the config)')
    .option('--credentials <file>', 'JSON file {"<agent>": {"user": "...", "password": "..."}}; else MAILSWARM_USER_<NAME>/MAILSWARM_PASSWORD_<NAME>, else <data>/credentials.json')
    .option('--secure', 'implicit TLS on the IMAP and submission ports (993/465 style)')
    .option('--no-starttls', 'never upgrade IMAP with STARTTLS')
    .option('--tls-reject-unauthorized', 'verify the server certificate even on loopback')
    .option('--no-offline-fallback', 'refuse to start an agent whose vendor API key is missing')
    .option('--shard <index/count>', 'run only this share of the agents (stable by name; 0/2 and 1/2 split them over two processes)', parseShard)
    .action(async (options: AgentsOptions, command: Command) => {
      const { config, file: configFile } = loadCliConfig(command.optsWithGlobals<GlobalOptions>());
      const logger = createLogger(config.logLevel);
      const { local: agents, remote: peers } = partitionAgents(loadCliAgents(config.agentsDir), options.shard);
      const credentials = resolveCredentials(config, agents, options.credentials);
      const { describeFallbacks, isDeterministicRun, prepareModels, startAgents } = await import('../start-agents.ts');
      const { prepareWorkspaces } = await import('../project-workspaces.ts');
      const { models, fallbacks } = prepareModels(agents, { allowOfflineFallback: options.offlineFallback });
      // Workspaces live in this machine's data directory, even when the mail server is elsewhere.
      const workspaces = await prepareWorkspaces({ config, configFile, agents, commitDates: isDeterministicRun(models, {}) ? 'logical' : 'wall', logger });
      const swarm = await startAgents({
        config,
        agents,
        peers,
        models,
        server: {
          host: config.host,
          imapPort: config.ports.imap,
          submissionPort: config.ports.submission,
          secure: options.secure,
          doSTARTTLS: options.starttls === false ? false : undefined,
          tlsRejectUnauthorized: options.tlsRejectUnauthorized,
        },
        credentials: (name) => credentials.get(name)!,
        logger,
        workspaces,
      });
      const shardText = options.shard ? `, shard ${options.shard.index}/${options.shard.count}` : '';
      console.log(`mailswarm agents running against ${config.host} (IMAP ${config.ports.imap}, submission ${config.ports.submission}${shardText}): ${agents.map((agent) => agent.name).join(', ') || '(none: every agent belongs to another shard)'}`);
      if (peers.length > 0) console.log(`Run by the other shards: ${peers.map((agent) => agent.name).join(', ')}`);
      const fallbackText = describeFallbacks(fallbacks);
      if (fallbackText) console.log(fallbackText);
      await runUntilSignal(() => swarm.stop());
    });
}

export function resolveCredentials(config: MailswarmConfig, agents: AgentDefinition[], credentialsFile: string | undefined): Map<string, { user: string; password: string }> {
  const fromFile = credentialsFile ? readCredentialsJson(credentialsFile) : undefined;
  const dataFile = path.join(config.dataDir, CREDENTIALS_FILE);
  const fromDataDir = existsSync(dataFile) ? (JSON.parse(readFileSync(dataFile, 'utf8')) as { agents?: Record<string, string> }).agents : undefined;
  const result = new Map<string, { user: string; password: string }>();
  for (const agent of agents) {
    const key = agentVariableSuffix(agent.name);
    const user = process.env[`MAILSWARM_USER_${key}`] ?? fromFile?.[agent.name]?.user ?? `${agent.name}@${config.domain}`;
    const password = process.env[`MAILSWARM_PASSWORD_${key}`] ?? fromFile?.[agent.name]?.password ?? fromDataDir?.[agent.name.toLowerCase()];
    if (password === undefined) {
      throw new CliError(
        `no password for agent "${agent.name}": set MAILSWARM_PASSWORD_${key}, pass --credentials FILE, or run the post office (mailswarm serve) with --data ${config.dataDir}`,
      );
    }
    result.set(agent.name, { user, password });
  }
  return result;
}

function readCredentialsJson(file: string): Record<string, { user?: string; password?: string }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(`${file}: cannot read credentials (${(error as Error).message}); expected {"<agent>": {"user": "...", "password": "..."}}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliError(`${file}: expected an object {"<agent>": {"user": "...", "password": "..."}}`);
  }
  return parsed as Record<string, { user?: string; password?: string }>;
}
