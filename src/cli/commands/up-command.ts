// `mailswarm up` (also `npm start`): the main job — the post office plus every agent in agents/.
import type { Command } from 'commander';
import { createLogger } from '../../logger.ts';
import { listCredentials } from '../../postoffice/accounts/account-specs.ts';
import { loadCliAgents, loadCliConfig, type GlobalOptions } from '../cli-options.ts';
import { liveViewHost } from '../live-view/loopback-host.ts';
import { runUntilSignal } from '../shutdown.ts';
import { bannerFor, openPostOffice } from './serve-command.ts';

export function registerUpCommand(program: Command): void {
  program
    .command('up')
    .description('run the post office and every agent of the agents folder (the main job; also `npm start`)')
    .option('--no-offline-fallback', 'refuse to start an agent whose vendor API key is missing instead of using the offline model')
    .action(async (options: { offlineFallback: boolean }, command: Command) => {
      const { config } = loadCliConfig(command.optsWithGlobals<GlobalOptions>());
      // Loaded on use, so the other commands start quickly (the SDKs and the swarm are heavy to import).
      const { describeFallbacks, prepareModels, startAgents } = await import('../start-agents.ts');
      const { startLiveView } = await import('../live-view/live-view.ts');
      const logger = createLogger(config.logLevel);
      const agents = loadCliAgents(config.agentsDir);
      const { models, fallbacks } = prepareModels(agents, { allowOfflineFallback: options.offlineFallback });
      const postOffice = await openPostOffice(config, agents, logger);
      const passwords = new Map(listCredentials({ config, agents: agents.map((agent) => ({ name: agent.name })) }).map((entry) => [entry.login, entry]));
      const connectHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
      const swarm = await startAgents({
        config,
        agents,
        models,
        server: { host: connectHost, imapPort: postOffice.ports.imap, submissionPort: postOffice.ports.submission },
        credentials: (name) => {
          const entry = passwords.get(name.toLowerCase())!;
          return { user: entry.address, password: entry.password };
        },
        logger,
      });
      // The live view has no login: it listens on loopback even when the post office listens wider.
      const liveView = await startLiveView({ host: liveViewHost(config.host), port: config.ports.web, domain: config.domain, swarm, postOffice, logger, governance: () => postOffice.guards.status() }).catch(async (error: unknown) => {
        await swarm.stop();
        await postOffice.close();
        throw error;
      });
      const notes = new Map([...fallbacks].map(([name]) => [name, 'offline model: no API key']));
      console.log(bannerFor(config, postOffice, agents, notes, liveView.url));
      const fallbackText = describeFallbacks(fallbacks);
      if (fallbackText) console.log(`\n${fallbackText}`);
      await runUntilSignal(async () => {
        await liveView.close();
        await swarm.stop();
        await postOffice.close();
      });
    });
}
