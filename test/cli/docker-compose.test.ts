// `docker compose up` for real: builds the two images (Dockerfile targets postoffice and agents) with the
// classic builder on a local stand-in of node:24-slim, reports their sizes (the post office's own layers within
// the 60 MB goal, without git and bubblewrap), starts docker-compose.yml + docker-compose.host-network.yml (the engine runs without a bridge, so the
// services listen on loopback), waits for the health checks, mails a task as the human with SMTP AUTH on the
// submission port, reads the agent's threaded reply over IMAP, runs CLI commands in the containers without
// flags, proves the sandbox works in the non-root agents container, restarts the post office and shows mail,
// passwords and the agents' state survived in the named volume, then `docker compose down` and removes what
// it built by name. Then the same round trip with `--profile dovecot` (Dovecot + Postfix containers).
// Skipped (with the reason in its title) only when no Docker engine can run here.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config-schema.ts';
import { run, startDockerEngine, type DockerEngine } from '../helpers/docker-engine.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { composeProject, freePorts, inboxState, repliesTo, sendTask, type ComposeProject, type MailAccess } from './docker-compose-kit.ts';
import { buildBaseImage, CACHE_TAGS, danglingImages, formatSizeReport, npmExtraCertificates, removeBuiltImages, sizeReport, tagBuildCache, tagStep } from './docker-image-build.ts';

const DOMAIN = configSchema.parse({}).domain;
const HUMAN = { user: `human@${DOMAIN}`, pass: 'human' };
/** The goal for the post office image's own layers (sources, production node_modules, user) on top of the base. */
const PROJECT_LAYERS_LIMIT_BYTES = 60e6;
/** The agents' image (MAILSWARM_IMAGE), the post office's (MAILSWARM_POSTOFFICE_IMAGE, also mail-accounts'). */
const IMAGE = `mailswarm-compose-test:${process.pid}`;
const POSTOFFICE_IMAGE = `mailswarm-compose-test-postoffice:${process.pid}`;
const MAIL_SERVER_IMAGE = `mailswarm-compose-test-mail-server:${process.pid}`;

const engine = await startDockerEngine();
const title = 'unavailable' in engine ? `docker compose up (skipped: ${engine.unavailable})` : 'docker compose up with the classic builder and the host-network override';

if ('unavailable' in engine) {
  describe.skip(title, () => {
    it('builds, starts, mails, restarts and removes the compose stack, then the dovecot profile', () => {});
  });
} else {
  describe(title, { timeout: 900_000 }, () => composeSuites(engine));
}

function composeSuites(engine: DockerEngine): void {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-compose-test-'));
  let baseImage = '';
  let buildArgs: string[] = [];
  let danglingBefore = new Set<string>();
  const ports = { imap: 0, submission: 0, smtp: 0 }; // filled in beforeAll, read by every MailAccess
  const environment = () => ({ MAILSWARM_IMAGE: IMAGE, MAILSWARM_POSTOFFICE_IMAGE: POSTOFFICE_IMAGE, MAILSWARM_MAIL_SERVER_IMAGE: MAIL_SERVER_IMAGE, MAILSWARM_IMAP_PORT: String(ports.imap), MAILSWARM_SUBMISSION_PORT: String(ports.submission), MAILSWARM_SMTP_PORT: String(ports.smtp) });
  const projects: ComposeProject[] = [];
  const failedProjects = new Set<ComposeProject>();
  let current: ComposeProject | undefined;

  beforeAll(async () => {
    console.log(`Docker engine: ${engine.description}`);
    baseImage = await buildBaseImage(engine.env);
    danglingBefore = await danglingImages(engine.env);
    const [imap, submission, smtp] = await freePorts(3);
    Object.assign(ports, { imap: imap!, submission: submission!, smtp: smtp! });
    const extraCa = npmExtraCertificates();
    // NODE_IMAGE for the mailswarm image, DEBIAN_IMAGE for the mail server: the stand-in is Debian underneath.
    buildArgs = ['--build-arg', `NODE_IMAGE=${baseImage}`, '--build-arg', `DEBIAN_IMAGE=${baseImage}`, ...(extraCa ? ['--build-arg', `NPM_EXTRA_CA=${extraCa}`] : [])];
  }, 900_000);

  // The containers' logs at the moment a test failed (a later `down` removes them).
  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail' || !current || failedProjects.has(current)) return;
    failedProjects.add(current);
    console.error(await current.logs());
  });

  afterAll(async () => {
    try {
      for (const project of projects) {
        await project.compose(['--profile', 'dovecot', 'down', '--volumes', '--remove-orphans', '--timeout', '30']);
      }
      await removeBuiltImages(engine.env, [IMAGE, POSTOFFICE_IMAGE, MAIL_SERVER_IMAGE], danglingBefore);
    } finally {
      rmSync(workDir, { recursive: true, force: true });
      await engine.stop();
    }
  }, 300_000);

  const expectRemoved = async (project: ComposeProject) => {
    await project.compose(['--profile', 'dovecot', 'down', '--volumes', '--remove-orphans', '--timeout', '30']);
    const label = `label=com.docker.compose.project=${project.name}`;
    expect((await run('docker', ['ps', '--all', '--quiet', '--filter', label], { env: engine.env })).stdout.trim()).toBe('');
    expect((await run('docker', ['volume', 'ls', '--quiet', '--filter', label], { env: engine.env })).stdout.trim()).toBe('');
  };

  describe('the post office and the agents', () => {
    const project = composeProject({ engine, name: `mailswarm-compose-test-${process.pid}`, workDir, environment, healthChecked: ['postoffice', 'agents'], built: ['postoffice', 'agents'] });
    projects.push(project);
    const access: MailAccess = { ports, domain: DOMAIN, human: HUMAN, certificate: '' };
    beforeAll(() => {
      current = project;
    });

    it('builds both targets on a local node:24-slim stand-in with DOCKER_BUILDKIT=0, the CA only in the build', async () => {
      const build = await project.compose(['build', ...buildArgs, 'postoffice', 'agents'], 900_000);
      expect(`${build.stdout}${build.stderr}`).toMatch(/Successfully tagged/);
      await tagBuildCache(engine.env, IMAGE, danglingBefore);
      const postOffice = await sizeReport(engine.env, POSTOFFICE_IMAGE, baseImage);
      const agents = await sizeReport(engine.env, IMAGE, baseImage);
      console.log(`${formatSizeReport(postOffice, POSTOFFICE_IMAGE, baseImage)}\n${formatSizeReport(agents, IMAGE, baseImage)}`);
      const projectLayers = postOffice.imageBytes - postOffice.baseBytes;
      expect(projectLayers, `the post office's own layers should stay under ${PROJECT_LAYERS_LIMIT_BYTES / 1e6} MB`).toBeLessThanOrEqual(PROJECT_LAYERS_LIMIT_BYTES);
      expect(postOffice.appBytes).toBeGreaterThan(0);
      // The same code in both: the agents' image is the post office's plus its system packages.
      expect(agents.appBytes).toBe(postOffice.appBytes);
      // The post office runs neither git nor bubblewrap; the agents have both.
      const commands = (image: string) => run('docker', ['run', '--rm', '--network', 'none', '--entrypoint', 'sh', image, '-c', 'for name in git bwrap; do command -v $name || true; done'], { env: engine.env });
      expect((await commands(POSTOFFICE_IMAGE)).stdout.trim()).toBe('');
      expect((await commands(IMAGE)).stdout).toMatch(/\/git\n.*\/bwrap\n/s);
      for (const image of [POSTOFFICE_IMAGE, IMAGE]) {
        // The runtime images hold no CA file, no trace of the build argument and no dev dependency.
        const history = (await run('docker', ['history', '--no-trunc', '--format', '{{.CreatedBy}}', image], { env: engine.env })).stdout;
        expect(history).not.toContain('NPM_EXTRA_CA');
        expect(history).not.toContain('BEGIN CERTIFICATE');
        const files = await run('docker', ['run', '--rm', '--network', 'none', '--entrypoint', 'sh', image, '-c', 'ls /tmp; test -d /app/node_modules/typescript && echo dev-dependency; id -u'], { env: engine.env });
        expect(files.stdout).not.toContain('npm-extra-ca');
        expect(files.stdout).not.toContain('dev-dependency');
        expect(files.stdout.trim().split('\n').at(-1), image).toBe('10001');
      }
      // Every production dependency still loads after the image dropped their declarations and source maps
      // (the vendor SDKs are only imported when a key is set, so the agents' run would not show it).
      const loadAll = "const { dependencies } = JSON.parse(require('node:fs').readFileSync('package.json', 'utf8')); Promise.all(Object.keys(dependencies).map((name) => import(name))).then(() => console.log('loaded', Object.keys(dependencies).length))";
      const loaded = await run('docker', ['run', '--rm', '--network', 'none', '--entrypoint', 'node', IMAGE, '-e', loadAll], { env: engine.env });
      expect(loaded.stdout.trim()).toMatch(/^loaded \d+$/);
    });

    it('`up -d` starts both services, which become healthy, the agents as non-root with a working sandbox', async () => {
      // --pull never: the images are local, and the engine must not even look up a registry (loopback only).
      await project.compose(['up', '--detach', '--no-build', '--pull', 'never']);
      await project.healthy('postoffice');
      await project.healthy('agents');
      access.certificate = (await project.compose(['exec', '-T', 'postoffice', 'cat', '/data/tls/cert.pem'])).stdout;
      expect(access.certificate).toContain('BEGIN CERTIFICATE');
      await waitFor(async () => (await project.compose(['logs', '--no-color', 'agents'])).stdout.includes('mailswarm agents running against 127.0.0.1'), { what: 'the agents banner', timeoutMs: 120_000, intervalMs: 1000 });
      expect((await project.compose(['exec', '-T', 'agents', 'id', '-u'])).stdout.trim()).toBe('10001');

      // The sandbox as the runtime builds it: bubblewrap with user namespaces, the data volume hidden.
      const probe = [
        "const { Sandbox } = await import('/app/src/workspace/sandbox/sandbox.ts');",
        "const sandbox = await Sandbox.create({ mode: 'bubblewrap', hiddenPaths: ['/data'] });",
        "const result = sandbox.status.available ? await sandbox.run({ workdir: '/tmp', command: 'id -u; test -e /data/credentials.json && echo data-visible; echo done' }) : undefined;",
        'console.log(JSON.stringify({ status: sandbox.status, stdout: result?.stdout }));',
      ].join('\n');
      const sandbox = JSON.parse((await project.compose(['exec', '-T', 'agents', 'node', '--input-type=module', '-e', probe])).stdout) as { status: { available: boolean; reason?: string; description: string }; stdout?: string };
      console.log(`agents container: ${sandbox.status.description}`);
      expect(sandbox.status.available, sandbox.status.reason).toBe(true);
      expect(sandbox.stdout).toBe('10001\ndone\n');
      // Why docker-compose.yml gives the agents two security options: Docker's defaults forbid user namespaces.
      const denied = await run('docker', ['run', '--rm', '--network', 'none', '--user', '10001', '--entrypoint', 'bwrap', IMAGE, '--unshare-user', '--ro-bind', '/', '/', 'true'], { env: engine.env }).then(
        () => 'bwrap ran',
        (error: Error) => error.message,
      );
      expect(denied).toMatch(/No permissions to create new namespace|Operation not permitted/);
    });

    let firstTask = '';
    it('answers a task sent with SMTP AUTH on the submission port with a threaded reply over IMAP', async () => {
      firstTask = await sendTask(access, 'builder', 'Compose task one');
      const reply = await repliesTo(access, firstTask);
      expect(reply.uids).toHaveLength(1);
      expect(reply.subject).toMatch(/^Re: Compose task one/);
      expect(reply.references).toContain(firstTask);
    });

    let accountsBefore = '';
    it('runs CLI commands in the containers without flags (`mailswarm accounts`)', async () => {
      const accounts = (await project.compose(['exec', '-T', 'postoffice', 'mailswarm', 'accounts'])).stdout;
      for (const address of [HUMAN.user, `builder@${DOMAIN}`, `reviewer@${DOMAIN}`, `tester@${DOMAIN}`]) expect(accounts).toContain(address);
      accountsBefore = (await project.compose(['exec', '-T', 'postoffice', 'mailswarm', 'accounts', '--json'])).stdout;
      const builder = (JSON.parse(accountsBefore) as { accounts: Array<{ address: string; password: string }> }).accounts.find((account) => account.address === `builder@${DOMAIN}`)!;
      expect(accounts).toContain(builder.password); // the generated password from the volume, as the agents use it
      expect((await project.compose(['exec', '-T', 'agents', 'mailswarm', 'accounts', '--json'])).stdout).toBe(accountsBefore);
    });

    it('`restart postoffice` keeps the mail, the passwords and the agents state in the named volume', async () => {
      const before = await inboxState(access);
      const startedBefore = await project.inspect('postoffice', '{{.State.StartedAt}}');
      await project.compose(['restart', 'postoffice']);
      expect(await project.inspect('postoffice', '{{.State.StartedAt}}')).not.toBe(startedBefore);
      await project.healthy('postoffice');
      expect(await inboxState(access)).toEqual(before);
      expect((await project.compose(['exec', '-T', 'postoffice', 'mailswarm', 'accounts', '--json'])).stdout).toBe(accountsBefore);
      // The agents are back at work and remember what they did: a new task gets one reply, the first still one.
      const reply = await repliesTo(access, await sendTask(access, 'builder', 'Compose task two'));
      expect(reply.uids).toHaveLength(1);
      expect((await repliesTo(access, firstTask)).uids).toHaveLength(1);
    });

    it('`down --volumes` removes the containers and the volume it created', async () => {
      await expectRemoved(project);
    });
  });

  describe('--profile dovecot: the agents against Dovecot + Postfix containers', () => {
    const project = composeProject({ engine, name: `mailswarm-compose-dovecot-test-${process.pid}`, workDir, environment, healthChecked: ['mailserver', 'agents-dovecot'], built: ['mail-accounts', 'mailserver', 'agents-dovecot'] });
    projects.push(project);
    const access: MailAccess = { ports, domain: DOMAIN, human: HUMAN, certificate: '' };
    beforeAll(() => {
      current = project;
    });

    it('builds the mail server from Debian packages, provisions the accounts from the agents and starts healthy', async () => {
      await project.compose(['--profile', 'dovecot', 'build', ...buildArgs, 'mailserver'], 900_000);
      await tagStep(engine.env, MAIL_SERVER_IMAGE, 'apt-get install', CACHE_TAGS.mailServerPackages);
      await project.compose(['--profile', 'dovecot', 'up', '--detach', '--no-build', '--pull', 'never', 'mailserver', 'agents-dovecot']);
      await project.healthy('mailserver');
      await project.healthy('agents-dovecot');
      expect(await project.inspect('mail-accounts', '{{.State.ExitCode}}')).toBe('0');
      // The embedded post office is not part of this stack.
      expect((await project.compose(['ps', '--all', '--quiet', 'postoffice'])).stdout.trim()).toBe('');
      access.certificate = (await project.compose(['exec', '-T', 'mailserver', 'cat', '/mailswarm/mail-server-tls/cert.pem'])).stdout;
      expect(access.certificate).toContain('BEGIN CERTIFICATE');
      const logs = (await project.compose(['logs', '--no-color', 'mailserver'])).stdout;
      expect(logs).toMatch(/mail-server: 4 accounts for @swarm\.local/);
    });

    it('answers a task sent through Postfix with a threaded reply read from Dovecot', async () => {
      const task = await sendTask(access, 'builder', 'Dovecot compose task');
      const reply = await repliesTo(access, task);
      expect(reply.uids).toHaveLength(1);
      expect(reply.subject).toMatch(/^Re: Dovecot compose task/);
      expect(reply.references).toContain(task);
      // The agents logged in with the passwords mail-accounts generated from their definitions.
      const accounts = JSON.parse((await project.compose(['exec', '-T', 'agents-dovecot', 'mailswarm', 'accounts', '--json'])).stdout) as { accounts: Array<{ address: string }> };
      expect(accounts.accounts.map((account) => account.address).sort()).toEqual([`builder@${DOMAIN}`, HUMAN.user, `reviewer@${DOMAIN}`, `tester@${DOMAIN}`]);
    });

    it('`down --volumes` removes the containers and the volumes it created', async () => {
      await expectRemoved(project);
    });
  });
}
