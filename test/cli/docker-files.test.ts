// Validates Dockerfile, docker-compose.yml, .env.example and .dockerignore without a Docker engine: every
// command, flag, file and port they name exists in the CLI and the repository and matches the config
// defaults; both images (the targets postoffice and agents) run as non-root on Node 24 with a health check, git
// and bubblewrap only in the agents' one; ports are published on loopback only.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config-schema.ts';
import { CONFIG_ENVIRONMENT_VARIABLES } from '../../src/config/load-config.ts';
import { CREDENTIALS_FILE } from '../../src/postoffice/accounts/agent-credentials.ts';
import { commandsInHelp, composeVariables, execForm, optionsInHelp, readCompose, readDockerfile, REPO, RESET, targetInstructions, type ComposeFile, type DockerStage } from './docker-files.ts';

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
  // What a plain `docker compose up` starts: the services without a profile.
  const full = readCompose({});
  compose = { ...full, services: Object.fromEntries(Object.entries(full.services).filter(([, service]) => !service.profiles)) };
});

const instructions = (stage: DockerStage, keyword: string) => stage.instructions.filter((instruction) => instruction.keyword === keyword);
/** The images compose builds, one per service kind; agents is the last stage, what a plain `docker build` gives. */
const TARGETS = ['postoffice', 'agents'] as const;
/** A target as its image has it: the instructions of the stages it is built FROM included. */
const target = (name: string): DockerStage => ({ ...stages.find((stage) => stage.name === name)!, instructions: targetInstructions(stages, name) });

// Each --help run starts a Node process: slow on a loaded CI machine.
describe('Dockerfile', { timeout: 180_000 }, () => {
  it('is multi-stage on Node 24 slim (a build argument), installs production dependencies only in the build stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.image).toMatch(/^node:24(\.\d+)*-(bookworm-|trixie-)?slim$/);
    const dockerfile = readFileSync(path.join(REPO, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-slim$/m);
    const fromLines = dockerfile.match(/^FROM .*$/gm)!;
    for (const [index, from] of fromLines.entries()) {
      // An image, or a stage named before this one.
      const earlier = stages.slice(0, index).map((stage) => stage.name);
      const reference = /^FROM (\S+) AS \w+$/.exec(from)?.[1];
      expect(reference === '${NODE_IMAGE}' || earlier.includes(reference), from).toBe(true);
    }
    const build = stages[0]!;
    expect(instructions(build, 'RUN').map((run) => run.argument)).toContainEqual(expect.stringMatching(/(^|&& )npm ci --omit=dev\b/));
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

  it('has a postoffice and an agents target, agents last (a plain `docker build`), built on one runtime stage', () => {
    expect(stages.at(-1)!.name).toBe('agents');
    const postoffice = stages.find((stage) => stage.name === 'postoffice')!;
    expect(postoffice).toBeDefined();
    expect(postoffice.parent).toBeDefined();
    expect(stages.at(-1)!.parent).toBe(postoffice.parent);
  });

  it('installs git and bubblewrap in the agents target only (git pulls in perl: the post office goes without)', () => {
    const installs = (name: string) => instructions(target(name), 'RUN').map((run) => run.argument).filter((command) => command.includes('apt-get install'));
    expect(installs('agents')).toContainEqual(expect.stringMatching(/apt-get install -y --no-install-recommends .*\bbubblewrap\b/));
    expect(installs('agents')).toContainEqual(expect.stringMatching(/apt-get install .*\bgit\b/));
    expect(installs('postoffice')).toEqual([]);
    expect(target('postoffice').instructions.map((instruction) => instruction.argument).join('\n')).not.toMatch(/\b(git|bubblewrap|bwrap)\b/);
  });

  it.each(TARGETS)('%s: runs as a non-root user with /data as the volume, the CLI as entry point and serve as default', (name) => {
    const final = target(name);
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

  it.each(TARGETS)('%s: exposes the default ports and has an IMAP-greeting health check', (name) => {
    const final = target(name);
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

describe('Dockerfile for the classic builder and the compose test', () => {
  const dockerfile = () => readFileSync(path.join(REPO, 'Dockerfile'), 'utf8');

  it('uses no BuildKit-only syntax (DOCKER_BUILDKIT=0 builds it)', () => {
    expect(dockerfile()).not.toMatch(/^#\s*syntax=/m);
    expect(dockerfile()).not.toMatch(/^\s*RUN\s+--(mount|network|security)/m);
    expect(dockerfile()).not.toMatch(/<<-?\s*['"]?[A-Z]+/); // heredocs
    expect(dockerfile()).not.toMatch(/^\s*(COPY|ADD)\s+--(link|parents|exclude)/m);
  });

  it.each(TARGETS)('gives the npm CA only to the build stage, which the %s target takes /app from', (name) => {
    const [build, runtime] = [stages[0]!, target(name)];
    expect(instructions(build, 'ARG').map((arg) => arg.argument)).toContainEqual(expect.stringMatching(/^NPM_EXTRA_CA=/));
    expect(instructions(build, 'RUN').some((run) => run.argument.includes('NODE_EXTRA_CA_CERTS') && run.argument.includes('rm -f /tmp/npm-extra-ca.pem'))).toBe(true);
    expect(runtime.instructions.map((instruction) => instruction.argument).join('\n')).not.toContain('NPM_EXTRA_CA');
    expect(instructions(runtime, 'COPY').map((copy) => copy.argument)).toEqual([`--from=${build.name} /app /app`]);
  });

  it.each(TARGETS)('tells every command in the %s image where the volume and the agents are', (name) => {
    const runtime = target(name);
    const environment = Object.fromEntries(instructions(runtime, 'ENV').flatMap((env) => [...env.argument.matchAll(/(\w+)=(\S+)/g)].map((match) => [match[1]!, match[2]!])));
    expect(environment[CONFIG_ENVIRONMENT_VARIABLES.dataDir]).toBe('/data');
    expect(instructions(runtime, 'VOLUME').map((volume) => execForm(volume.argument))).toContainEqual([environment[CONFIG_ENVIRONMENT_VARIABLES.dataDir]]);
    expect(environment[CONFIG_ENVIRONMENT_VARIABLES.agentsDir]).toBe('/app/agents');
    // compose passes the domain the same way, so `docker compose exec postoffice mailswarm accounts` needs no flag
    for (const service of Object.values(compose.services)) expect(service.environment![CONFIG_ENVIRONMENT_VARIABLES.domain]).toBe(defaults.domain);
  });
});

describe('docker-compose.host-network.yml', { timeout: 180_000 }, () => {
  const file = path.join(REPO, 'docker-compose.host-network.yml');

  it('puts the services on the host network, the mail servers on 127.0.0.1 only, without the bridge settings', () => {
    const override = readCompose({}, file);
    expect(Object.keys(override.services).sort()).toEqual(['agents', 'agents-dovecot', 'mailserver', 'postoffice']);
    for (const service of Object.values(override.services)) expect(service.network_mode).toBe('host');
    for (const server of [override.services.postoffice!, override.services.mailserver!]) {
      expect(server.networks).toEqual(RESET);
      expect(server.ports).toEqual(RESET);
    }
    expect(override.services.mailserver!.environment!.LISTEN_ADDRESS).toBe('127.0.0.1');
    const postoffice = override.services.postoffice!;
    const value = (command: string[], flag: string) => command[command.indexOf(flag) + 1];
    expect(value(postoffice.command!, '--host')).toBe('127.0.0.1');
    expect(value(override.services.agents!.command!, '--host')).toBe('127.0.0.1');
    expect(override.services.agents!.environment!.MAILSWARM_HEALTH_HOST).toBe('127.0.0.1');
  });

  it('listens on the ports docker-compose.yml publishes, with flags the CLI has and the same paths', () => {
    const environment = { MAILSWARM_IMAP_PORT: '11143', MAILSWARM_SUBMISSION_PORT: '11587', MAILSWARM_SMTP_PORT: '12525', MAILSWARM_DOMAIN: 'team.test' };
    const override = readCompose(environment, file);
    const published = readCompose(environment).services.postoffice!.ports!.map((port) => port.split(':')[1]);
    const value = (command: string[], flag: string) => command[command.indexOf(flag) + 1];
    const postoffice = override.services.postoffice!.command!;
    expect([value(postoffice, '--imap-port'), value(postoffice, '--submission-port'), value(postoffice, '--smtp-port')]).toEqual(published);
    const agents = override.services.agents!.command!;
    expect([value(agents, '--imap-port'), value(agents, '--submission-port')]).toEqual(published.slice(0, 2));
    const withCommands = Object.entries(override.services).filter(([, service]) => service.command);
    expect(withCommands.map(([name]) => name).sort()).toEqual(['agents', 'agents-dovecot', 'postoffice']);
    for (const [, service] of withCommands) expect(service.environment!.MAILSWARM_IMAP_PORT).toBe('11143'); // the health check's port
    const mailserver = override.services.mailserver!.environment!;
    expect([mailserver.IMAP_PORT, mailserver.SUBMISSION_PORT, mailserver.SMTP_PORT]).toEqual(published);
    const base = readCompose(environment);
    for (const [name, service] of withCommands) {
      const [subcommand, ...args] = service.command!;
      expect(subcommand).toBe(base.services[name]!.command![0]);
      const known = new Set([...optionsInHelp(help([])), ...optionsInHelp(help([subcommand!]))]);
      for (const flag of args.filter((word) => word.startsWith('-'))) expect(known, `${name}: flag ${flag}`).toContain(flag);
      for (const flag of ['--data', '--agents-dir', '--domain']) expect(value(service.command!, flag), `${name} ${flag}`).toBe(value(base.services[name]!.command!, flag));
      const baseFlags = base.services[name]!.command!.filter((word) => word.startsWith('-'));
      for (const flag of baseFlags) expect(service.command, `${name} keeps ${flag}`).toContain(flag);
    }
  });
});

describe('docker-compose.yml', { timeout: 180_000 }, () => {
  it('builds the post office and the agents as their own targets of the Dockerfile, with a restart policy', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['agents', 'postoffice']);
    const { postoffice, agents } = compose.services;
    expect(postoffice!.build).toEqual({ context: '.', target: 'postoffice' });
    expect(agents!.build).toEqual({ context: '.', target: 'agents' });
    // Two images under two names: one name would make the second build replace the first.
    expect(postoffice!.image).toBe('mailswarm-postoffice:local');
    expect(agents!.image).toBe('mailswarm:local');
    for (const service of [postoffice!, agents!]) expect(service.restart).toMatch(/^(unless-stopped|always|on-failure)/);
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
    expect(Object.keys(compose.volumes ?? {})).toEqual(['mailswarm-data', 'mailswarm-dovecot-data', 'mailswarm-dovecot-mail']);
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
    // Keys go to the agents only.
    for (const name of Object.keys(compose.services.postoffice!.environment ?? {})) expect(name).not.toMatch(/_(API_KEY|BASE_URL)$/);
    const example = readFileSync(path.join(REPO, '.env.example'), 'utf8');
    const listed = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]!));
    for (const name of composeVariables().keys()) expect(listed, `.env.example lists ${name}`).toContain(name);
    for (const name of listed) expect(composeVariables().has(name), `compose reads ${name}`).toBe(true);
  });

  it('lets bubblewrap make its namespaces in the agents container only (docker-compose.test.ts proves the need)', () => {
    expect(compose.services.agents!.security_opt).toEqual(['seccomp=unconfined', 'systempaths=unconfined']);
    expect(compose.services.postoffice!.security_opt).toBeUndefined();
  });

  it('keeps secrets, data and dependencies out of the build context', () => {
    const ignored = readFileSync(path.join(REPO, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim());
    for (const entry of ['node_modules', '.env', 'data', 'test-artifacts']) expect(ignored).toContain(entry);
    expect(ignored).toContain('!.env.example');
  });
});

describe('docker-compose.yml --profile dovecot', { timeout: 180_000 }, () => {
  const full = () => readCompose({});
  const mailServerDir = path.join(REPO, 'deploy/dovecot-postfix');

  it('adds the mail server, its account provisioning and agents against it, in the profile only', () => {
    const services = full().services;
    const profiled = Object.entries(services).filter(([, service]) => service.profiles);
    expect(profiled.map(([name]) => name).sort()).toEqual(['agents-dovecot', 'mail-accounts', 'mailserver']);
    for (const [, service] of profiled) expect(service.profiles).toEqual(['dovecot']);
    expect(services.mailserver!.depends_on!['mail-accounts']!.condition).toBe('service_completed_successfully');
    expect(services['agents-dovecot']!.depends_on!.mailserver).toEqual({ condition: 'service_healthy', restart: true });
    expect(services['mail-accounts']!.network_mode).toBe('none');
    // The mail server stands where the post office stands: same published ports, same name on the network.
    expect(services.mailserver!.ports).toEqual(services.postoffice!.ports);
    expect(services.mailserver!.networks).toEqual(services.postoffice!.networks);
  });

  it('provisions the accounts from the agents: accounts.json in, the certificate out, through one volume', () => {
    const services = full().services;
    const accounts = services['mail-accounts']!;
    // `mailswarm accounts` needs no git: the post office's image; the agents run in the agents' image.
    expect(accounts.image).toBe(services.postoffice!.image);
    expect(accounts.build).toEqual(services.postoffice!.build);
    expect(services['agents-dovecot']!.image).toBe(services.agents!.image);
    expect(services['agents-dovecot']!.build).toEqual(services.agents!.build);
    expect(accounts.entrypoint!.join(' ')).toContain('mailswarm accounts --json > /data/accounts.json');
    const volumeAt = (service: string, target: string) => services[service]!.volumes!.find((volume) => volume.endsWith(`:${target}`))!.split(':')[0];
    expect(volumeAt('mail-accounts', '/data')).toBe(volumeAt('mailserver', '/mailswarm'));
    expect(volumeAt('agents-dovecot', '/data')).toBe(volumeAt('mailserver', '/mailswarm'));
    const entrypoint = readFileSync(path.join(mailServerDir, 'mail-server-entrypoint.sh'), 'utf8');
    expect(entrypoint).toContain('ACCOUNTS_FILE=${ACCOUNTS_FILE:-/mailswarm/accounts.json}');
    expect(entrypoint).toContain('TLS_DIR=${TLS_DIR:-/mailswarm/mail-server-tls}');
    expect(services['agents-dovecot']!.environment!.NODE_EXTRA_CA_CERTS).toBe('/data/mail-server-tls/cert.pem');
  });

  it('runs the agents with the same command, flags and keys as the default agents service', () => {
    const services = full().services;
    expect(services['agents-dovecot']!.command).toEqual(services.agents!.command);
    const { NODE_EXTRA_CA_CERTS: _dovecotCa, ...dovecotEnvironment } = services['agents-dovecot']!.environment!;
    const { NODE_EXTRA_CA_CERTS: _postOfficeCa, ...agentsEnvironment } = services.agents!.environment!;
    expect(dovecotEnvironment).toEqual(agentsEnvironment);
    expect(services['agents-dovecot']!.security_opt).toEqual(services.agents!.security_opt);
  });

  it('builds the mail server from Debian packages with the classic builder', () => {
    const dockerfile = readFileSync(path.join(mailServerDir, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^ARG DEBIAN_IMAGE=debian:bookworm-slim$/m);
    expect(dockerfile).toMatch(/^FROM \$\{DEBIAN_IMAGE\}$/m);
    expect(dockerfile).not.toMatch(/^#\s*syntax=|RUN\s+--mount|<<-?\s*['"]?[A-Z]+/m);
    expect(dockerfile).toMatch(/apt-get install .*dovecot-imapd dovecot-lmtpd postfix/);
    const stage = readDockerfile(path.join(mailServerDir, 'Dockerfile')).at(-1)!;
    for (const copy of stage.instructions.filter((instruction) => instruction.keyword === 'COPY')) {
      expect(existsSync(path.join(mailServerDir, copy.argument.split(/\s+/)[0]!))).toBe(true);
    }
    const exposed = stage.instructions.filter((instruction) => instruction.keyword === 'EXPOSE').flatMap((expose) => expose.argument.split(/\s+/)).map(Number);
    expect(exposed.sort()).toEqual([defaults.ports.imap, defaults.ports.submission, defaults.ports.smtp].sort());
  });
});
