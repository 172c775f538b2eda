// Validates Dockerfile, docker-compose.yml, .env.example and .dockerignore without a Docker engine: every
// command, flag, file and port they name exists in the CLI and the repository and matches the config
// defaults; the image runs as non-root on Node 24 with a health check; ports are published on loopback only.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config-schema.ts';
import { CREDENTIALS_FILE } from '../../src/postoffice/accounts/agent-credentials.ts';
import { commandsInHelp, composeVariables, execForm, optionsInHelp, readCompose, readDockerfile, REPO, type ComposeFile, type DockerStage } from './docker-files.ts';

const CLI = path.join(REPO, 'src/cli/main.ts');
const defaults = configSchema.parse({});
const helpTexts = new Map<string, string>();
/** `mailswarm [subcommand] --help`, run once per subcommand (each run starts a Node process). */
const help = (args: string[]): string => {
  const key = args.join(' ');
  if (!helpTexts.has(key)) helpTexts.set(key, execFileSync(process.execPath, [CLI, ...args, '--help'], { encoding: 'utf8', cwd: REPO }));
  return helpTexts.get(key)!;
};

let stages: DockerStage[];
let compose: ComposeFile;

beforeAll(() => {
  stages = readDockerfile();
  compose = readCompose({});
});

const instructions = (stage: DockerStage, keyword: string) => stage.instructions.filter((instruction) => instruction.keyword === keyword);

// Each --help run starts a Node process: slow on a loaded CI machine.
describe('Dockerfile', { timeout: 180_000 }, () => {
  it('is multi-stage on Node 24 slim, installs production dependencies only in the build stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.image).toMatch(/^node:24(\.\d+)*-(bookworm-|trixie-)?slim$/);
    const build = stages[0]!;
    expect(instructions(build, 'RUN').map((run) => run.argument)).toContainEqual(expect.stringMatching(/^npm ci --omit=dev\b/));
    // Node 24 runs the .ts sources natively: package.json must allow it.
    const engines = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    expect(engines).toMatch(/^>=2[2-4]\./);
  });

  it('copies only files that exist, and the final stage takes the build output', () => {
    for (const stage of stages) {
      for (const copy of instructions(stage, 'COPY')) {
        if (copy.argument.startsWith('--from=')) {
          expect(stages.map((candidate) => candidate.name)).toContain(/^--from=(\S+)/.exec(copy.argument)![1]);
          continue;
        }
        const sources = copy.argument.replace(/--\S+\s+/g, '').split(/\s+/).slice(0, -1);
        for (const source of sources) expect(existsSync(path.join(REPO, source)), `COPY source ${source}`).toBe(true);
      }
    }
  });

  it('runs as a non-root user with /data as the volume, the CLI as entry point and serve as default', () => {
    const final = stages.at(-1)!;
    const user = instructions(final, 'USER').at(-1)?.argument;
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(instructions(final, 'RUN').some((run) => run.argument.includes(`useradd`) && run.argument.includes(user!))).toBe(true);
    expect(instructions(final, 'VOLUME').map((volume) => execForm(volume.argument))).toContainEqual(['/data']);
    const entrypoint = execForm(instructions(final, 'ENTRYPOINT').at(-1)!.argument);
    expect(entrypoint[0]).toBe('node');
    expect(entrypoint[1]).toBe('/app/bin/mailswarm.js');
    expect(readFileSync(path.join(REPO, 'bin/mailswarm.js'), 'utf8')).toContain("import '../src/cli/main.ts'");
    const command = execForm(instructions(final, 'CMD').at(-1)!.argument);
    expect(commandsInHelp(help([]))).toContain(command[0]);
    const known = new Set([...optionsInHelp(help([])), ...optionsInHelp(help([command[0]!]))]);
    for (const flag of command.filter((word) => word.startsWith('-'))) expect(known, `flag ${flag}`).toContain(flag);
  });

  it('exposes the default ports and has an IMAP-greeting health check', () => {
    const final = stages.at(-1)!;
    const exposed = instructions(final, 'EXPOSE').flatMap((expose) => expose.argument.split(/\s+/)).map(Number);
    expect(exposed.sort()).toEqual([defaults.ports.imap, defaults.ports.submission, defaults.ports.smtp].sort());
    const healthcheck = instructions(final, 'HEALTHCHECK').at(-1)!.argument;
    expect(healthcheck).toMatch(/--interval=\d+s/);
    const check = execForm(healthcheck.slice(healthcheck.indexOf('CMD') + 3).trim());
    expect(check.slice(0, 2)).toEqual(['node', '-e']);
    expect(check[2]).toContain(`|| ${defaults.ports.imap}`);
    expect(check[2]).toContain("'* OK'");
  });
});

describe('docker-compose.yml', { timeout: 180_000 }, () => {
  it('runs the post office and the agents from one image with a restart policy', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['agents', 'postoffice']);
    const { postoffice, agents } = compose.services;
    for (const service of [postoffice!, agents!]) {
      expect(service.build).toBe('.');
      expect(service.image).toBe(postoffice!.image);
      expect(service.restart).toMatch(/^(unless-stopped|always|on-failure)/);
    }
    expect(postoffice!.command![0]).toBe('serve');
    expect(agents!.command![0]).toBe('agents');
  });

  it('uses only subcommands and flags the CLI has, with the values the services need', () => {
    const commands = commandsInHelp(help([]));
    const globalOptions = optionsInHelp(help([]));
    for (const [name, service] of Object.entries(compose.services)) {
      const [subcommand, ...args] = service.command!;
      expect(commands, `${name}: subcommand`).toContain(subcommand);
      const known = new Set([...globalOptions, ...optionsInHelp(help([subcommand!]))]);
      for (const flag of args.filter((word) => word.startsWith('-'))) expect(known, `${name}: flag ${flag}`).toContain(flag);
      const value = (flag: string) => args[args.indexOf(flag) + 1];
      expect(value('--data')).toBe('/data');
      expect(value('--domain')).toBe(defaults.domain);
      expect(value('--agents-dir')).toBe('/app/agents');
    }
    expect(compose.services.postoffice!.command).toEqual(expect.arrayContaining(['--host', '0.0.0.0']));
  });

  it('shares a named data volume and the agents folder between the two services', () => {
    expect(Object.keys(compose.volumes ?? {})).toEqual(['mailswarm-data']);
    for (const service of Object.values(compose.services)) {
      expect(service.volumes).toContain('mailswarm-data:/data');
      expect(service.volumes).toContain('./agents:/app/agents:ro');
    }
    expect(existsSync(path.join(REPO, 'agents'))).toBe(true);
  });

  it('publishes the default ports on 127.0.0.1 only', () => {
    const published = compose.services.postoffice!.ports!;
    for (const port of published) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    expect(published).toEqual([
      `127.0.0.1:${defaults.ports.imap}:${defaults.ports.imap}`,
      `127.0.0.1:${defaults.ports.submission}:${defaults.ports.submission}`,
      `127.0.0.1:${defaults.ports.smtp}:${defaults.ports.smtp}`,
    ]);
    expect(compose.services.agents!.ports).toBeUndefined();
    // Host ports can move (MAILSWARM_IMAP_PORT=11143), the container side stays the config default.
    expect(readCompose({ MAILSWARM_IMAP_PORT: '11143' }).services.postoffice!.ports![0]).toBe(`127.0.0.1:11143:${defaults.ports.imap}`);
  });

  it('lets the agents find the post office by the mail domain, trust its certificate and wait for it', () => {
    const { postoffice, agents } = compose.services;
    const domain = defaults.domain;
    expect(postoffice!.networks!.default!.aliases).toEqual([domain]);
    expect(agents!.command!.slice(0, 3)).toEqual(['agents', '--host', domain]);
    expect(agents!.command).toContain('--tls-reject-unauthorized');
    // The certificate the post office writes (src/postoffice/tls/self-signed.ts) names the domain in its SAN.
    const selfSigned = readFileSync(path.join(REPO, 'src/postoffice/tls/self-signed.ts'), 'utf8');
    expect(selfSigned).toContain("path.join(options.dataDir, 'tls')");
    expect(selfSigned).toContain("'cert.pem'");
    expect(selfSigned).toMatch(/type: 2, value: domain/);
    expect(agents!.environment!.NODE_EXTRA_CA_CERTS).toBe('/data/tls/cert.pem');
    expect(agents!.environment!.MAILSWARM_HEALTH_HOST).toBe(domain);
    expect(agents!.depends_on!.postoffice!.condition).toBe('service_healthy');
    // Agents read credentials.json from the shared volume (agents-command.ts).
    expect(CREDENTIALS_FILE).toBe('credentials.json');
    expect(readFileSync(path.join(REPO, 'src/cli/commands/agents-command.ts'), 'utf8')).toContain('CREDENTIALS_FILE');
    expect(readCompose({ MAILSWARM_DOMAIN: 'team.test' }).services.agents!.command!.slice(0, 3)).toEqual(['agents', '--host', 'team.test']);
  });

  it('passes every API key and base URL the providers read, and .env.example lists them', () => {
    const providerSource = readFileSync(path.join(REPO, 'src/providers/create-model.ts'), 'utf8');
    const environment = compose.services.agents!.environment!;
    const forwarded = Object.keys(environment).filter((name) => /_(API_KEY|BASE_URL)$/.test(name));
    for (const name of forwarded) expect(providerSource, `${name} is read by the providers`).toContain(`'${name}'`);
    for (const name of ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GEMINI_API_KEY', 'OPENAI_COMPATIBLE_API_KEY', 'ANTHROPIC_BASE_URL', 'OPENAI_BASE_URL', 'GOOGLE_GEMINI_BASE_URL']) {
      expect(forwarded).toContain(name);
    }
    expect(compose.services.postoffice!.environment).toBeUndefined(); // keys go to the agents only
    const example = readFileSync(path.join(REPO, '.env.example'), 'utf8');
    const listed = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]!));
    for (const name of composeVariables().keys()) expect(listed, `.env.example lists ${name}`).toContain(name);
    for (const name of listed) expect(composeVariables().has(name), `compose reads ${name}`).toBe(true);
  });

  it('keeps secrets, data and dependencies out of the build context', () => {
    const ignored = readFileSync(path.join(REPO, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim());
    for (const entry of ['node_modules', '.env', 'data', 'test-artifacts']) expect(ignored).toContain(entry);
    expect(ignored).toContain('!.env.example');
  });
});
