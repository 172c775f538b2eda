// The options every `mailswarm` command shares (--config and the per-setting flags of the config file),
// turned into one validated configuration. Errors the user can fix surface as CliError: one clear line.
import type { Command } from 'commander';
import { ConfigError, loadConfig, type ConfigOverrides, type LoadedConfig } from '../config/load-config.ts';
import { AgentDefinitionError, loadAgentDefinitions, type AgentDefinition } from '../swarm/agent-definition.ts';

/** An error whose message is all the user needs: printed without a stack trace, exit code 2. */
export class CliError extends Error {
  override name = 'CliError';
}

export interface GlobalOptions {
  config?: string;
  data?: string;
  agentsDir?: string;
  domain?: string;
  host?: string;
  imapPort?: number;
  submissionPort?: number;
  smtpPort?: number;
  webPort?: number;
  logLevel?: ConfigOverrides['logLevel'];
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new CliError(`"${value}" is not a port number (0-65535)`);
  return port;
}

export function addGlobalOptions(program: Command): Command {
  return program
    .option('-c, --config <file>', 'config file (default: ./mailswarm.yaml when present)')
    .option('--data <dir>', 'data directory: mail store, generated passwords, TLS certificate (default ./data)')
    .option('--agents-dir <dir>', 'folder of agent definitions *.md (default ./agents)')
    .option('--domain <domain>', 'mail domain of every account (default swarm.local)')
    .option('--host <address>', 'address to listen on / connect to (default 127.0.0.1)')
    .option('--imap-port <port>', 'IMAP port (default 1143)', parsePort)
    .option('--submission-port <port>', 'SMTP submission port with AUTH (default 1587)', parsePort)
    .option('--smtp-port <port>', 'inbound SMTP port without AUTH (default 2525)', parsePort)
    .option('--web-port <port>', 'live view web port (default 8025)', parsePort)
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent');
}

export function loadCliConfig(options: GlobalOptions): LoadedConfig {
  try {
    return loadConfig(options.config, {
      dataDir: options.data,
      agentsDir: options.agentsDir,
      domain: options.domain,
      host: options.host,
      imapPort: options.imapPort,
      submissionPort: options.submissionPort,
      smtpPort: options.smtpPort,
      webPort: options.webPort,
      logLevel: options.logLevel,
    });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}

export function loadCliAgents(agentsDir: string): AgentDefinition[] {
  try {
    return loadAgentDefinitions(agentsDir);
  } catch (error) {
    if (error instanceof AgentDefinitionError) throw new CliError(error.message);
    throw error;
  }
}
