// The `mailswarm` command: parses arguments, wires post office, swarm and providers, and turns errors the
// user can fix into one clear line (exit 2) instead of a stack trace.
import { Command, CommanderError } from 'commander';
import { addGlobalOptions, CliError } from './cli-options.ts';
import { registerAccountsCommand } from './commands/accounts-command.ts';
import { registerAuditCommand } from './commands/audit-command.ts';
import { registerExperimentCommand } from './commands/experiment-command.ts';
import { registerAgentsCommand } from './commands/agents-command.ts';
import { registerInitCommand } from './commands/init-command.ts';
import { registerProjectCommand } from './commands/project-command.ts';
import { registerSendCommand } from './commands/send-command.ts';
import { registerServeCommand } from './commands/serve-command.ts';
import { registerStatusCommand } from './commands/status-command.ts';
import { registerTailCommand } from './commands/tail-command.ts';
import { registerUpCommand } from './commands/up-command.ts';

export function buildProgram(): Command {
  const program = new Command('mailswarm')
    .description('An agent swarm whose only coordination substrate is real email.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)');
  addGlobalOptions(program);
  registerUpCommand(program);
  registerServeCommand(program);
  registerAgentsCommand(program);
  registerSendCommand(program);
  registerTailCommand(program);
  registerStatusCommand(program);
  registerAccountsCommand(program);
  registerAuditCommand(program);
  registerProjectCommand(program);
  registerInitCommand(program);
  registerExperimentCommand(program);
  return program;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  if (error instanceof CliError) {
    console.error(`mailswarm: ${error.message}`);
    process.exitCode = 2;
  } else if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else {
    console.error('mailswarm: unexpected error:', error);
    process.exitCode = 1;
  }
}
