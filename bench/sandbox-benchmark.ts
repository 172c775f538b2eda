// `node bench/sandbox-benchmark.ts [--runs N] [--warmup N]`: the cost of starting a sandboxed command. Times
// Sandbox.run of `true` (bubblewrap with the limits of this machine: cgroup or rlimits), `sandbox: none`
// (limits only), and, as the peer in the same run, a plain spawn('sh', ['-c', 'true']) until its pipes close.
// The three are interleaved round by round so machine load falls on all of them alike. Goal (issue 12):
// sandbox start + `true` ≤ 20 ms p50.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Sandbox } from '../src/workspace/sandbox/sandbox.ts';
import { summarize, type LatencySummary } from './statistics.ts';

const USAGE = `usage: node bench/sandbox-benchmark.ts [--runs N] [--warmup N]
  --runs N     measured runs per variant (default 300)
  --warmup N   unmeasured runs per variant first (default 20)`;
const TARGET_P50_MS = 20;

function parseCount(argv: string[], flag: string, fallback: number): number {
  const index = argv.indexOf(flag);
  if (index === -1) return fallback;
  const value = Number(argv[index + 1]);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${flag} takes a positive whole number, not ${argv[index + 1] === undefined ? 'nothing' : `"${argv[index + 1]}"`}\n${USAGE}`);
  return value;
}

function plainSpawn(cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', 'true'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`sh -c true exited with ${code}`))));
  });
}

interface Variant {
  name: string;
  run: () => Promise<void>;
  samples: number[];
  target?: number;
}

async function timed(variant: Variant): Promise<void> {
  const started = performance.now();
  await variant.run();
  variant.samples.push(performance.now() - started);
}

const ms = (value: number): string => `${value.toFixed(2)} ms`;

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(USAGE);
    return;
  }
  let runs: number;
  let warmup: number;
  try {
    runs = parseCount(process.argv, '--runs', 300);
    warmup = parseCount(process.argv, '--warmup', 20);
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
    return;
  }
  const cpus = os.cpus();
  console.log(`mailswarm sandbox bench: ${cpus.length} × ${cpus[0]?.model ?? 'unknown'}, node ${process.version}, ${os.type()} ${os.release()}, uid ${process.getuid?.()}, load ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}`);
  // A realistic layout: the workspace inside the hidden data dir, as mailswarm lays it out.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-sandbox-bench-'));
  const workdir = path.join(dataDir, 'workspaces', 'builder', 'demo');
  mkdirSync(workdir, { recursive: true });
  try {
    const started = performance.now();
    const bubblewrap = await Sandbox.create({ mode: 'bubblewrap', hiddenPaths: [dataDir] });
    const none = await Sandbox.create({ mode: 'none', hiddenPaths: [dataDir] });
    console.log(`probe: ${((performance.now() - started) / 1000).toFixed(2)} s for both sandboxes`);
    console.log(bubblewrap.status.description);
    console.log(none.status.description);
    const runTrue = (sandbox: Sandbox) => async (): Promise<void> => {
      const result = await sandbox.run({ workdir, command: 'true' });
      if (result.exitCode !== 0) throw new Error(`sandboxed true ended with ${result.exitCode ?? result.signal}: ${result.stderr}`);
    };
    const variants: Variant[] = [];
    if (bubblewrap.status.available) variants.push({ name: `sandbox: bubblewrap, limits by ${bubblewrap.status.limitsEnforcedBy}`, run: runTrue(bubblewrap), samples: [], target: TARGET_P50_MS });
    else console.log(`bubblewrap variant skipped: ${bubblewrap.status.reason}`);
    variants.push({ name: `sandbox: none, limits by ${none.status.limitsEnforcedBy}`, run: runTrue(none), samples: [] });
    const peer: Variant = { name: "plain spawn('sh', ['-c', 'true'])", run: () => plainSpawn(workdir), samples: [] };
    variants.push(peer);

    for (let round = 0; round < warmup; round++) for (const variant of variants) await variant.run();
    for (let round = 0; round < runs; round++) {
      for (const variant of variants) await timed(variant);
      if ((round + 1) % 100 === 0) console.log(`  ${round + 1}/${runs} rounds`);
    }

    const peerSummary = summarize(peer.samples);
    const rows = variants.map((variant) => ({ variant, summary: summarize(variant.samples) }));
    const table = [
      ['start + `true`, sequential', 'p50', 'p95', 'p99', 'max', 'p50 ÷ plain spawn', 'target'],
      ['---', '---', '---', '---', '---', '---', '---'],
      ...rows.map(({ variant, summary }: { variant: Variant; summary: LatencySummary }) => [
        `${variant.name} (${summary.count} runs)`,
        ms(summary.p50),
        ms(summary.p95),
        ms(summary.p99),
        ms(summary.max),
        `${Number((summary.p50 / peerSummary.p50).toPrecision(2))}×`,
        variant.target === undefined ? '' : `≤ ${variant.target} ms p50 ${summary.p50 <= variant.target ? '✓' : '✗'}`,
      ]),
    ];
    console.log('');
    console.log(table.map((cells) => `| ${cells.join(' | ')} |`).join('\n'));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
