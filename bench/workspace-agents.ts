// `node bench/workspace-agents.ts [--agents N]`: N agents (default 50) with a workspace each in one runtime
// process. The embedded post office runs in this process too; every agent gets a task mail and answers it
// with a scripted turn that writes a file in its workspace, runs the tests in the sandbox, commits and
// replies. The peer, measured in the same run: the same N agents without projects, answering the same mail
// with a reply only. Prints the time until every agent has answered and the process's RSS growth for both,
// and the ratio; the goal is that 50 agents with workspaces run in one process at all.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import nodemailer from 'nodemailer';
import { configSchema } from '../src/config/config-schema.ts';
import { silentLogger } from '../src/logger.ts';
import { startPostOffice } from '../src/postoffice/post-office.ts';
import { createModel } from '../src/providers/create-model.ts';
import { loadAgentDefinitions } from '../src/swarm/agent-definition.ts';
import type { WorkspaceSettings } from '../src/swarm/agent-workspaces.ts';
import { startSwarm } from '../src/swarm/swarm-runtime.ts';
import { importPlainFiles } from '../src/workspace/plain-files-import.ts';
import { ensureUpstream } from '../src/workspace/project-upstream.ts';
import { Sandbox } from '../src/workspace/sandbox/sandbox.ts';

const DOMAIN = 'bench.example';
const USAGE = 'usage: node bench/workspace-agents.ts [--agents N]   (default 50)';

function agentCount(argv: string[]): number {
  if (argv.length === 0) return 50;
  const count = Number(argv[1]);
  if (argv[0] !== '--agents' || !Number.isInteger(count) || count < 1 || argv.length > 2) throw new Error(USAGE);
  return count;
}

const codingTurns = `turns:
  - name: code
    when: { subject: "task" }
    steps:
      - - write_file: { path: "notes/{{self.name}}.txt", content: "done by {{self.name}}\\n" }
      - - run_tests: {}
      - - commit: { message: "Notes of {{self.name}}" }
      - - reply: { body: "Done: {{result.commit}}" }
`;
const mailTurns = `turns:
  - name: answer
    when: { subject: "task" }
    steps:
      - - reply: { body: "Done." }
`;

async function runSwarm(count: number, withWorkspaces: boolean): Promise<{ seconds: number; rssGrowthMiB: number }> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-bench-agents-'));
  try {
    const dataDir = path.join(directory, 'data');
    const agentsDir = path.join(directory, 'agents');
    mkdirSync(agentsDir, { recursive: true });
    writeFileSync(path.join(agentsDir, 'turns.yaml'), withWorkspaces ? codingTurns : mailTurns);
    const names = Array.from({ length: count }, (_, index) => `agent${index + 1}`);
    for (const name of names) {
      writeFileSync(
        path.join(agentsDir, `${name}.md`),
        `---\nname: ${name}\nmodel: scripted:turns.yaml\nrole: bench agent\n${withWorkspaces ? 'projects: [demo]\n' : ''}maxToolStepsPerTurn: 10\n---\nYou work.\n`,
      );
    }
    const config = configSchema.parse({ domain: DOMAIN, dataDir, ports: { imap: 0, submission: 0, smtp: 0, web: 0 }, humans: [{ name: 'human', password: 'human' }], guards: { sendRate: { messages: 1000 } } });
    const agents = loadAgentDefinitions(agentsDir);
    const postOffice = await startPostOffice({ config, agents: agents.map((agent) => ({ name: agent.name, password: `${agent.name}-pw` })), logger: silentLogger });
    let settings: WorkspaceSettings | undefined;
    if (withWorkspaces) {
      const files = path.join(directory, 'files');
      mkdirSync(files);
      writeFileSync(path.join(files, 'README'), 'bench project\n');
      await importPlainFiles({ sourceDir: files, repositoryPath: path.join(directory, 'source'), message: 'Import' });
      const upstreamPath = path.join(dataDir, 'projects', 'demo.git');
      await ensureUpstream({ sourcePath: path.join(directory, 'source'), upstreamPath });
      const sandbox = await Sandbox.create({ mode: 'bubblewrap', hiddenPaths: [dataDir] });
      if (!sandbox.status.available) throw new Error(`the sandbox is unavailable: ${sandbox.status.reason}`);
      settings = { projects: [{ name: 'demo', upstreamPath, test: 'true', setup: undefined }], workspacesDir: path.join(dataDir, 'workspaces'), scratchDir: path.join(dataDir, 'scratch'), sandbox, commitDates: 'logical' };
    }
    globalThis.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const swarm = await startSwarm({
      agents,
      server: { host: '127.0.0.1', imapPort: postOffice.ports.imap, submissionPort: postOffice.ports.submission },
      credentials: (name) => ({ user: `${name}@${DOMAIN}`, password: `${name}-pw` }),
      domain: DOMAIN,
      humans: [{ address: `human@${DOMAIN}` }],
      createModel: (agent) => createModel(agent.model, { baseDir: agentsDir, allowOfflineFallback: false }).model,
      logger: silentLogger,
      workspaces: settings,
    });
    const answered = new Set<string>();
    const allAnswered = new Promise<void>((resolve) => {
      swarm.on('turn-finished', (event) => {
        if (event.outcome === 'answered') answered.add(event.agent);
        if (answered.size === count) resolve();
      });
    });
    const started = performance.now();
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: postOffice.ports.submission, secure: false, ignoreTLS: true, auth: { user: `human@${DOMAIN}`, pass: 'human' } });
    for (const name of names) await transport.sendMail({ from: `human@${DOMAIN}`, to: `${name}@${DOMAIN}`, subject: 'task', text: 'Please work.' });
    transport.close();
    await allAnswered;
    const seconds = (performance.now() - started) / 1000;
    const rssGrowthMiB = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    await swarm.stop();
    await postOffice.close();
    return { seconds, rssGrowthMiB };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  let count: number;
  try {
    count = agentCount(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
    return;
  }
  console.log(`${count} agents in one process, ${os.cpus().length} cores, node ${process.version}`);
  const peer = await runSwarm(count, false);
  console.log(`[peer] mail only: every agent answered in ${peer.seconds.toFixed(2)} s, RSS +${peer.rssGrowthMiB.toFixed(1)} MiB`);
  const ours = await runSwarm(count, true);
  console.log(`[ours] workspace + sandboxed tests + commit: every agent answered in ${ours.seconds.toFixed(2)} s, RSS +${ours.rssGrowthMiB.toFixed(1)} MiB`);
  console.log(`\n| figure | with workspaces | mail only | ratio |\n| --- | --- | --- | --- |`);
  console.log(`| time until all ${count} answered | ${ours.seconds.toFixed(2)} s | ${peer.seconds.toFixed(2)} s | ${(ours.seconds / peer.seconds).toFixed(1)}× |`);
  console.log(`| RSS growth | ${ours.rssGrowthMiB.toFixed(1)} MiB | ${peer.rssGrowthMiB.toFixed(1)} MiB | ${(ours.rssGrowthMiB / Math.max(peer.rssGrowthMiB, 0.1)).toFixed(1)}× |`);
}

await main();
