// `mailswarm up` (also `npm start`): the main job — the post office plus every agent in agents/.
import type { Command } from 'commander';
import { createLogger } from '../../logger.ts';
import { listCredentials } from '../../postoffice/accounts/account-specs.ts';
import { agentAccountSpecs } from '../agent-passwords.ts';
import { CliError, loadCliAgents, loadCliConfig, type GlobalOptions } from '../cli-options.ts';
import { liveViewHost } from '../live-view/loopback-host.ts';
import { runUntilSignal } from '../shutdown.ts';
import { bannerFor, openPostOffice } from './serve-command.ts';

export function registerUpCommand(program: Command): void {
  program
    .command('up')
    .description('run the post office and every agent of the agents folder (the main job; also `npm start`)')
    .option('--no-offline-fallback', 'refuse to start an agent whose vendor API key is missing instead of using the offline model')
    .option('--record <dir>', 'store every model request and response of this run in <dir> (one JSON-lines file per agent)')
    .option('--replay <dir>', 'answer every model call from a folder written by --record: no keys, no network')
    .addHelpText('after', '\nExamples:\n  mailswarm up\n  mailswarm up --config examples/bugfix/mailswarm.yaml --record runs/bugfix\n  mailswarm up --config examples/bugfix/mailswarm.yaml --replay runs/bugfix --data /tmp/replay')
    .action(async (options: { offlineFallback: boolean; record?: string; replay?: string }, command: Command) => {
      if (options.record && options.replay) throw new CliError('--record and --replay exclude each other');
      const { config, file: configFile } = loadCliConfig(command.optsWithGlobals<GlobalOptions>());
      // Loaded on use, so the other commands start quickly (the SDKs and the swarm are heavy to import).
      const { describeFallbacks, isDeterministicRun, prepareModels, startAgents } = await import('../start-agents.ts');
      const { codeFactsOf, prepareWorkspaces } = await import('../project-workspaces.ts');
      const { startLiveView } = await import('../live-view/live-view.ts');
      const logger = createLogger(config.logLevel);
      const agents = loadCliAgents(config.agentsDir);
      const modelOptions = { allowOfflineFallback: options.offlineFallback, recordDir: options.record, replayDir: options.replay };
      const { models, fallbacks } = prepareModels(agents, modelOptions);
      const workspaces = await prepareWorkspaces({ config, configFile, agents, commitDates: isDeterministicRun(models, modelOptions) ? 'logical' : 'wall', logger });
      const postOffice = await openPostOffice(config, agents, logger);
      const passwords = new Map(listCredentials({ config, agents: agentAccountSpecs(agents) }).map((entry) => [entry.login, entry]));
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
        workspaces,
      });
      // The live view has no login: it listens on loopback even when the post office listens wider.
      const liveView = await startLiveView({ host: liveViewHost(config.host), port: config.ports.web, domain: config.domain, swarm, postOffice, logger, governance: () => postOffice.guards.status(), code: codeFactsOf(workspaces) }).catch(async (error: unknown) => {
        await swarm.stop();
        await postOffice.close();
        throw error;
      });
      const notes = new Map([...fallbacks].map(([name]) => [name, models.get(name)?.vendor === 'scripted' ? 'scripted model: no API key' : 'offline model: no API key']));
      console.log(bannerFor(config, postOffice, agents, notes, liveView.url));
      const fallbackText = describeFallbacks(fallbacks);
      if (fallbackText) console.log(`\n${fallbackText}`);
      if (workspaces) console.log(`\nProjects: ${workspaces.projects.map((project) => `${project.name} (upstream ${project.upstreamPath})`).join(', ')}\n${workspaces.sandbox.status.description}`);
      if (options.record) console.log(`Recording every model call to ${options.record}`);
      if (options.replay) console.log(`Replaying model calls from ${options.replay} (no model is called)`);
      const { humanServerOf, sendOnStart } = await import('../human-submission.ts');
      for (const line of await sendOnStart(config, humanServerOf(config, postOffice.ports))) console.log(line);
      await runUntilSignal(async () => {
        await liveView.close();
        await swarm.stop();
        await postOffice.close();
      });
    });
}
