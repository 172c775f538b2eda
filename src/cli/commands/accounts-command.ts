// `mailswarm accounts`: what a human needs to point a mail client at the post office, for every account.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { listCredentials } from '../../postoffice/accounts/account-specs.ts';
import { agentAccountSpecs } from '../agent-passwords.ts';
import { loadCliAgents, loadCliConfig, type GlobalOptions } from '../cli-options.ts';

export function registerAccountsCommand(program: Command): void {
  program
    .command('accounts')
    .description('print address, login name and password of every human and agent, with the server settings for a mail client')
    .option('--json', 'machine-readable output')
    .action((options: { json?: boolean }, command: Command) => {
      const { config } = loadCliConfig(command.optsWithGlobals<GlobalOptions>());
      const agents = existsSync(config.agentsDir) ? loadCliAgents(config.agentsDir) : [];
      const credentials = listCredentials({ config, agents: agentAccountSpecs(agents) });
      const server = { host: config.host, imapPort: config.ports.imap, submissionPort: config.ports.submission, inboundPort: config.ports.smtp };
      if (options.json) {
        console.log(JSON.stringify({ server, accounts: credentials }, null, 2));
        return;
      }
      console.log(`Server ${server.host}: IMAP ${server.imapPort} (STARTTLS optional), SMTP submission ${server.submissionPort} (AUTH PLAIN/LOGIN), inbound SMTP ${server.inboundPort} (no AUTH)`);
      console.log('Login name: the full address (the bare name works too). Authentication: normal password.\n');
      const width = Math.max(...credentials.map((entry) => entry.address.length), 7);
      console.log(`${'KIND'.padEnd(6)} ${'ADDRESS'.padEnd(width)}  PASSWORD`);
      for (const entry of credentials) console.log(`${entry.kind.padEnd(6)} ${entry.address.padEnd(width)}  ${entry.password}`);
    });
}
