// `mailswarm serve`: the post office alone (SMTP submission + inbound, IMAP), until SIGINT/SIGTERM.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { createLogger } from '../../logger.ts';
import { listCredentials } from '../../postoffice/accounts/account-specs.ts';
import type { PostOffice } from '../../postoffice/post-office.ts';
import type { AgentDefinition } from '../../swarm/agent-definition.ts';
import { formatBanner } from '../banner.ts';
import { agentAccountSpecs } from '../agent-passwords.ts';
import { CliError, loadCliAgents, loadCliConfig, type GlobalOptions } from '../cli-options.ts';
import { runUntilSignal } from '../shutdown.ts';
import type { MailswarmConfig } from '../../config/config-schema.ts';
import type { Logger } from '../../logger.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the post office only (IMAP, SMTP submission, inbound SMTP) with an account for every human and agent')
    .action(async (_options, command: Command) => {
      const { config } = loadCliConfig(command.optsWithGlobals<GlobalOptions>());
      const logger = createLogger(config.logLevel);
      const agents = existsSync(config.agentsDir) ? loadCliAgents(config.agentsDir) : [];
      const postOffice = await openPostOffice(config, agents, logger);
      console.log(bannerFor(config, postOffice, agents));
      await runUntilSignal(() => postOffice.close());
    });
}

export async function openPostOffice(config: MailswarmConfig, agents: AgentDefinition[], logger: Logger): Promise<PostOffice> {
  // Loaded on use: `mailswarm --help`, `send` and friends should not pay for the whole server.
  const { startPostOffice } = await import('../../postoffice/post-office.ts');
  const { MailingListConfigError } = await import('../../postoffice/lists/mailing-lists.ts');
  try {
    return await startPostOffice({ config, agents: agentAccountSpecs(agents), logger });
  } catch (error) {
    // A list that clashes with an account, or names a member that does not exist: a config mistake.
    if (error instanceof MailingListConfigError) throw new CliError(`invalid configuration: ${error.message}`);
    throw error;
  }
}

export function bannerFor(config: MailswarmConfig, postOffice: PostOffice, agents: AgentDefinition[], notes: Map<string, string> = new Map(), webUrl?: string): string {
  const credentials = listCredentials({ config, agents: agentAccountSpecs(agents) });
  return formatBanner({
    config,
    ports: postOffice.ports,
    humans: credentials.filter((entry) => entry.kind === 'human'),
    agents: agents.map((agent) => ({ address: `${agent.name}@${config.domain}`, model: agent.model, note: notes.get(agent.name) })),
    webUrl,
  });
}
