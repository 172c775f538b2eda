// `mailswarm project log <name>`: what the swarm has applied to a project's upstream (newest first), and
// `mailswarm project list`: the projects of the configuration with their upstream locations.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError, loadCliConfig, type GlobalOptions } from '../cli-options.ts';
import { upstreamPathOf } from '../project-workspaces.ts';

export function registerProjectCommand(program: Command): void {
  const project = program.command('project').description("the swarm's code projects: their upstream repositories and what was applied");
  project
    .command('list')
    .description('list the projects of the configuration, their source and upstream')
    .action((_options, command: Command) => {
      const { config } = loadCliConfig(command.optsWithGlobals<GlobalOptions>());
      if (config.projects.length === 0) {
        console.log('no projects (add `projects:` to mailswarm.yaml)');
        return;
      }
      for (const entry of config.projects) {
        const upstream = upstreamPathOf(config.dataDir, entry.name);
        console.log(`${entry.name}\n  source    ${entry.path}\n  upstream  ${upstream}${existsSync(upstream) ? '' : ' (created at the next start)'}\n  test      ${entry.test}`);
      }
    });
  project
    .command('log')
    .description("show the commits of a project's upstream, newest first (what the swarm has applied)")
    .argument('<name>', 'project name from mailswarm.yaml')
    .option('-n, --limit <count>', 'how many commits', (value: string) => {
      const count = Number(value);
      if (!Number.isInteger(count) || count < 1) throw new CliError(`--limit: "${value}" is not a positive whole number`);
      return count;
    }, 20)
    .action(async (name: string, options: { limit: number }, command: Command) => {
      const { config, file } = loadCliConfig(command.optsWithGlobals<GlobalOptions>());
      const entry = config.projects.find((candidate) => candidate.name === name);
      if (!entry) {
        const known = config.projects.map((candidate) => candidate.name);
        throw new CliError(`no project "${name}" in ${file ?? 'the configuration'} (${known.length > 0 ? `projects: ${known.join(', ')}` : 'it defines no projects'})`);
      }
      const upstream = upstreamPathOf(config.dataDir, name);
      if (!existsSync(upstream)) throw new CliError(`${upstream} does not exist yet: it is created from ${entry.path} when "mailswarm up" first starts`);
      const { upstreamLog } = await import('../../workspace/project-upstream.ts');
      const commits = await upstreamLog(upstream, { limit: options.limit });
      console.log(`${name}: upstream ${upstream} (clone it: git clone ${upstream})`);
      for (const commit of commits) {
        console.log(`\n${commit.sha.slice(0, 12)} ${commit.subject}\n  Author: ${commit.authorName} <${commit.authorEmail}>  ${commit.date}`);
        const trailers = commit.body.split('\n').filter((line) => /^[A-Z][A-Za-z-]*-by: /.test(line));
        for (const trailer of trailers) console.log(`  ${trailer}`);
      }
    });
}
