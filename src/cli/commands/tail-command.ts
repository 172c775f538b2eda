// `mailswarm tail`: follows all swarm traffic live from the running `mailswarm up` (its live view's
// /api/events stream): one readable line per message, replies indented under their parent. Ctrl+C stops.
import type { Command } from 'commander';
import { CliError, loadCliConfig, type GlobalOptions } from '../cli-options.ts';
import { fetchStatus, followEvents, liveViewBaseUrl } from '../live-view/live-view-client.ts';
import { TailFormatter } from '../live-view/tail-formatter.ts';

interface TailOptions {
  lines: string;
  states?: boolean;
}

export function registerTailCommand(program: Command): void {
  program
    .command('tail')
    .description('follow all swarm traffic of the running `mailswarm up` live: one line per message, replies indented (Ctrl+C stops)')
    .option('-n, --lines <count>', 'recent messages to print first', '10')
    .option('--states', 'also print agent state changes (idle, thinking, paused, disconnected)')
    .action(async (options: TailOptions, command: Command) => {
      const backlog = Number(options.lines);
      if (!Number.isInteger(backlog) || backlog < 0) throw new CliError(`--lines ${options.lines}: expected a whole number >= 0`);
      const { config } = loadCliConfig(command.optsWithGlobals<GlobalOptions>());
      const baseUrl = liveViewBaseUrl(config);
      // The status names the swarm's domain, so its addresses can be shortened to agent names.
      const status = await fetchStatus(baseUrl);
      const formatter = new TailFormatter({ domain: status.domain });
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        console.error(`following ${baseUrl}/api/events (Ctrl+C stops)`);
        await followEvents(baseUrl, {
          backlog,
          signal: stop.signal,
          onEvent: (event) => {
            const line = formatter.format(event, { states: options.states === true });
            if (line !== undefined) console.log(line);
          },
        });
        if (!stop.signal.aborted) throw new CliError(`the live view at ${baseUrl} closed the stream (did "mailswarm up" stop?)`);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
