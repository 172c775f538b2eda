// The image side of the compose test: the local base image stand-in (scripts/docker-base-image.sh), the CA
// certificates npm needs inside the build (npm's cafile less what Node already trusts, as a build argument
// of the test build only), the build cache kept between runs under fixed tags, the removal of everything else a
// run built, and the size report (the project's layers on top of the base).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { run } from '../helpers/docker-engine.ts';
import { REPO } from './docker-files.ts';

/** Fixed tags that keep the slow layers (npm ci, apt-get) cached between runs; everything else is removed. */
export const CACHE_TAGS = {
  dependencies: 'mailswarm-compose-test-cache:dependencies',
  systemPackages: 'mailswarm-compose-test-cache:system-packages',
  mailServerPackages: 'mailswarm-compose-test-cache:mail-server-packages',
};

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The certificates that npm on this machine trusts and Node's own store lacks (a TLS-intercepting proxy's CA,
 * typically): from npm's cafile and from NODE_EXTRA_CA_CERTS. Undefined when there are none. Passed as
 * NPM_EXTRA_CA: the whole bundle would not fit in a build argument, and Node's roots are in the image already.
 */
export function npmExtraCertificates(): string | undefined {
  // `npm test` exports npm_config_* (globalconfig among them) to its children: ask npm as a user's shell would.
  const plainEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  const cafile = spawnSync('npm', ['config', 'get', 'cafile'], { encoding: 'utf8', env: plainEnv }).stdout.trim();
  const files = [cafile, process.env.NODE_EXTRA_CA_CERTS].filter((file): file is string => !!file && file !== 'null' && file !== 'undefined' && existsSync(file));
  const known = new Set(rootCertificates.map((pem) => pem.replace(/\s+/g, '')));
  const extra = new Map<string, string>();
  for (const file of files) {
    for (const pem of readFileSync(file, 'utf8').match(PEM_CERTIFICATE) ?? []) {
      const key = pem.replace(/\s+/g, '');
      if (!known.has(key)) extra.set(key, pem);
    }
  }
  return extra.size > 0 ? [...extra.values()].join('\n') : undefined;
}

/** Builds (once; later runs find the tag) the Debian + Node 24 stand-in for node:24-slim and returns its tag. */
export async function buildBaseImage(env: NodeJS.ProcessEnv): Promise<string> {
  const nodeIs24 = process.versions.node.split('.')[0] === '24';
  const result = await run('bash', [path.join(REPO, 'scripts/docker-base-image.sh')], {
    env: { ...env, ...(nodeIs24 ? { MAILSWARM_BASE_NODE: process.execPath } : {}) },
    timeoutMs: 900_000,
  });
  const tag = result.stdout.trim().split('\n').at(-1)!;
  if (!/^mailswarm-base:\S+$/.test(tag)) throw new Error(`scripts/docker-base-image.sh printed no tag:\n${result.stdout}\n${result.stderr}`);
  return tag;
}

/** Top-level images without a tag (the build stage's last image, replaced cache layers). */
export async function danglingImages(env: NodeJS.ProcessEnv): Promise<Set<string>> {
  const { stdout } = await run('docker', ['images', '--quiet', '--no-trunc', '--filter', 'dangling=true'], { env });
  return new Set(stdout.split('\n').filter(Boolean));
}

interface HistoryRow {
  id: string;
  createdBy: string;
  size: number;
}

/** One JSON object per layer: a build argument's value in CreatedBy may span lines (a PEM does). */
async function history(env: NodeJS.ProcessEnv, image: string): Promise<HistoryRow[]> {
  const { stdout } = await run('docker', ['history', '--no-trunc', '--human=false', '--format', '{{json .}}', image], { env });
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const row = JSON.parse(line) as { ID: string; Size: string; CreatedBy: string };
      return { id: row.ID, size: Number(row.Size), createdBy: row.CreatedBy };
    });
}

/**
 * Tags the image of the step whose command contains `marker` in `image`'s history, so removing the run's
 * images stops there and the next build reuses it.
 */
export async function tagStep(env: NodeJS.ProcessEnv, image: string, marker: string, tag: string): Promise<boolean> {
  const step = (await history(env, image)).find((row) => row.createdBy.includes(marker) && row.id.startsWith('sha256:'));
  if (!step) return false;
  await run('docker', ['tag', step.id, tag], { env });
  return true;
}

/** Keeps the npm ci layer (build stage) and the apt-get layer (runtime stage) of this run's build as cache. */
export async function tagBuildCache(env: NodeJS.ProcessEnv, image: string, danglingBefore: Set<string>): Promise<void> {
  await tagStep(env, image, 'apt-get install', CACHE_TAGS.systemPackages);
  // The build stage ends in an untagged image of its own: the only new dangling one whose history ran npm ci.
  for (const candidate of await danglingImages(env)) {
    if (danglingBefore.has(candidate)) continue;
    if (await tagStep(env, candidate, 'npm ci', CACHE_TAGS.dependencies)) return;
  }
}

/** Removes the images and every untagged image this run left (down to the cache tags and the base). */
export async function removeBuiltImages(env: NodeJS.ProcessEnv, images: string[], danglingBefore: Set<string>): Promise<string[]> {
  const removed: string[] = [];
  for (const image of images) {
    if (spawnSync('docker', ['image', 'inspect', image], { env, stdio: 'ignore' }).status !== 0) continue;
    await run('docker', ['image', 'rm', image], { env });
    removed.push(image);
  }
  for (const leftover of await danglingImages(env)) {
    if (danglingBefore.has(leftover)) continue;
    // A failed RUN step leaves its stopped container on the last good image (compose build has no --force-rm).
    const containers = (await run('docker', ['ps', '--all', '--quiet', '--filter', `ancestor=${leftover}`, '--filter', 'status=exited', '--filter', 'status=created'], { env })).stdout.split('\n').filter(Boolean);
    if (containers.length > 0) await run('docker', ['rm', ...containers], { env });
    await run('docker', ['image', 'rm', leftover], { env });
    removed.push(leftover);
  }
  return removed;
}

export interface SizeReport {
  baseBytes: number;
  imageBytes: number;
  /** The layers the Dockerfile adds to the base, largest first. */
  layers: Array<{ bytes: number; step: string }>;
  /** The /app layer: sources and production node_modules. */
  appBytes: number;
}

export async function sizeReport(env: NodeJS.ProcessEnv, image: string, base: string): Promise<SizeReport> {
  const size = async (name: string) => Number((await run('docker', ['image', 'inspect', '--format', '{{.Size}}', name], { env })).stdout.trim());
  const baseIds = new Set((await history(env, base)).map((row) => row.id));
  const own = (await history(env, image)).filter((row) => !baseIds.has(row.id) && row.size > 0);
  const layers = own.map((row) => ({ bytes: row.size, step: row.createdBy.replace(/^\/bin\/sh -c (#\(nop\) )?/, '').slice(0, 90) })).sort((a, b) => b.bytes - a.bytes);
  const app = own.find((row) => /COPY .*\/app/.test(row.createdBy) || /COPY dir:/.test(row.createdBy));
  return { baseBytes: await size(base), imageBytes: await size(image), layers, appBytes: app?.size ?? 0 };
}

export function formatSizeReport(report: SizeReport, image: string, base: string): string {
  const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  return [
    `image ${image}: ${megabytes(report.imageBytes)} = base ${base} ${megabytes(report.baseBytes)} + ${megabytes(report.imageBytes - report.baseBytes)} of its own layers:`,
    ...report.layers.map((layer) => `  ${megabytes(layer.bytes).padStart(9)}  ${layer.step}`),
  ].join('\n');
}
