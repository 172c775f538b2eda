// `node bench/workspace-benchmark.ts`: what an agent workspace costs. Generates a ~50 MB repository of
// random (incompressible) files in a few commits, makes its upstream, then per run creates a workspace
// with Workspace.open (clone --shared) and, in the same run, the peers: a plain `git clone` of the upstream
// path (git hard-links the objects of a local clone) and `git clone --no-local` (copies them, as a clone
// from another machine would). Prints p50 creation time and the new disk each one uses, and the targets
// (≤ 300 ms, ≤ 5 MB). New disk is counted with `du -s upstream <dir>`: du counts a hard-linked file once,
// under the first argument, so the second line is only what the new directory added.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runGit } from '../src/workspace/git-runner.ts';
import { ensureUpstream } from '../src/workspace/project-upstream.ts';
import { Workspace } from '../src/workspace/workspace.ts';
import { median } from './statistics.ts';

const USAGE = `usage: node bench/workspace-benchmark.ts [--runs N] [--size-mb N]
  --runs N      workspaces created per contender (default 7; the table shows the median)
  --size-mb N   size of the generated repository's files in MB (default 50)`;

const TIME_TARGET_MS = 300;
const DISK_TARGET_BYTES = 5_000_000;
const FILE_BYTES = 1_000_000;
const COMMITS = 5;

interface Options {
  runs: number;
  sizeMb: number;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { runs: 7, sizeMb: 50 };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    const value = Number(argv[index + 1]);
    if ((argument === '--runs' || argument === '--size-mb') && Number.isInteger(value) && value > 0) {
      options[argument === '--runs' ? 'runs' : 'sizeMb'] = value;
      index++;
    } else throw new Error(`unknown or invalid argument "${argument}"\n${USAGE}`);
  }
  return options;
}

/** A user repository with `sizeMb` one-megabyte random files spread over a few commits, plus some text. */
async function generateRepository(directory: string, sizeMb: number): Promise<void> {
  fs.mkdirSync(directory, { recursive: true });
  await runGit(['init', '--quiet', '--initial-branch=main'], { cwd: directory });
  const identity = { GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.com' };
  for (let commit = 0; commit < COMMITS; commit++) {
    const first = Math.floor((sizeMb * commit) / COMMITS);
    const last = Math.floor((sizeMb * (commit + 1)) / COMMITS);
    for (let file = first; file < last; file++) {
      const folder = path.join(directory, 'data', `part-${commit}`);
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, `blob-${file}.bin`), randomBytes(FILE_BYTES));
    }
    fs.writeFileSync(path.join(directory, `README-${commit}.md`), `commit ${commit}\n`.repeat(100));
    await runGit(['add', '--all'], { cwd: directory });
    await runGit(['commit', '--quiet', '-m', `Commit ${commit}`], { cwd: directory, env: identity });
  }
}

function newDiskBytes(upstreamPath: string, target: string): number {
  const output = execFileSync('du', ['-s', '-B1', upstreamPath, target], { encoding: 'utf8' });
  const lines = output.trim().split('\n');
  if (lines.length !== 2) throw new Error(`du -s -B1 ${upstreamPath} ${target} printed ${JSON.stringify(output)}`);
  return Number(lines[1]!.split('\t')[0]);
}

interface Sample {
  milliseconds: number;
  totalBytes: number;
  gitBytes: number;
}

type Contender = { name: string; create: (target: string) => Promise<void> };

async function measure(contender: Contender, target: string, upstreamPath: string): Promise<Sample> {
  const started = performance.now();
  await contender.create(target);
  const milliseconds = performance.now() - started;
  const sample = { milliseconds, totalBytes: newDiskBytes(upstreamPath, target), gitBytes: newDiskBytes(upstreamPath, path.join(target, '.git')) };
  fs.rmSync(target, { recursive: true, force: true });
  return sample;
}

const megabytes = (bytes: number): string => `${(bytes / 1_000_000).toFixed(2)} MB`;

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(USAGE);
    return;
  }
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
    return;
  }
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'mailswarm-workspace-bench-'));
  try {
    const cpus = os.cpus();
    console.log(`workspace bench: ${cpus.length} × ${cpus[0]?.model ?? 'unknown'}, node ${process.version}, ${(await runGit(['--version'], { cwd: base })).stdout.trim()}, load ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}`);
    const source = path.join(base, 'user-repo');
    const started = performance.now();
    await generateRepository(source, options.sizeMb);
    const upstreamPath = path.join(base, 'projects', 'bench.git');
    await ensureUpstream({ sourcePath: source, upstreamPath });
    console.log(`generated ${options.sizeMb} × 1 MB random files in ${COMMITS} commits and the upstream in ${((performance.now() - started) / 1000).toFixed(1)} s; upstream ${megabytes(newDiskBytes(source, upstreamPath))} new on disk beside the source (hard links)`);

    const contenders: Contender[] = [
      { name: 'Workspace.open (clone --shared)', create: async (target) => void (await Workspace.open({ upstreamPath, path: target, author: { name: 'Bench Agent', email: 'agent@bench.example' }, commitDates: 'logical' })) },
      { name: 'git clone (plain, local path)', create: async (target) => void (await runGit(['clone', '--quiet', upstreamPath, target], { cwd: base })) },
      { name: 'git clone --no-local (copies objects)', create: async (target) => void (await runGit(['clone', '--quiet', '--no-local', upstreamPath, target], { cwd: base })) },
    ];
    const samples = new Map<string, Sample[]>(contenders.map((contender) => [contender.name, []]));
    const runs = path.join(base, 'runs');
    fs.mkdirSync(runs);
    // One warm-up each (page cache, git's first start), then the runs interleaved so load drifts hit all alike.
    for (const contender of contenders) await measure(contender, path.join(runs, 'warm-up'), upstreamPath);
    for (let run = 0; run < options.runs; run++) {
      for (const contender of contenders) samples.get(contender.name)!.push(await measure(contender, path.join(runs, `run-${run}`), upstreamPath));
    }

    const summary = contenders.map((contender) => {
      const list = samples.get(contender.name)!;
      return {
        name: contender.name,
        p50Ms: median(list.map((sample) => sample.milliseconds)),
        totalBytes: median(list.map((sample) => sample.totalBytes)),
        gitBytes: median(list.map((sample) => sample.gitBytes)),
      };
    });
    const peer = summary[1]!;
    const ratio = (ours: number, theirs: number): string => (theirs > 0 ? `${Number((ours / theirs).toPrecision(2))}×` : '–');
    const check = (met: boolean, text: string): string => `${text} ${met ? '✓' : '✗'}`;
    const rows: string[][] = [['figure', ...summary.map((entry) => entry.name), 'ours ÷ plain clone', 'target (ours)'], []];
    rows.push(['create, p50 (lower is better)', ...summary.map((entry) => `${entry.p50Ms.toFixed(1)} ms`), ratio(summary[0]!.p50Ms, peer.p50Ms), check(summary[0]!.p50Ms <= TIME_TARGET_MS, `≤ ${TIME_TARGET_MS} ms`)]);
    rows.push(['new disk, whole directory (p50)', ...summary.map((entry) => megabytes(entry.totalBytes)), ratio(summary[0]!.totalBytes, peer.totalBytes), check(summary[0]!.totalBytes <= DISK_TARGET_BYTES, '≤ 5 MB')]);
    rows.push(['new disk, .git only (p50)', ...summary.map((entry) => megabytes(entry.gitBytes)), ratio(summary[0]!.gitBytes, peer.gitBytes), check(summary[0]!.gitBytes <= DISK_TARGET_BYTES, '≤ 5 MB')]);
    rows[1] = rows[0]!.map(() => '---');
    console.log('');
    console.log(rows.map((cells) => `| ${cells.join(' | ')} |`).join('\n'));
    console.log('');
    console.log(`- ${options.runs} runs per contender, interleaved, after one warm-up each; the repository's files total ${options.sizeMb} MB.`);
    console.log('- "whole directory" includes the checked-out files, which every clone writes in full (no reflinks on ext4); ".git only" is the repository data.');
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}

await main();
