// The bwrap(1) command line of one sandboxed run: the system directories a build needs read-only, the
// running Node's install tree read-only, a private /tmp, /proc and /dev, every namespace unshared (the
// network namespace holds only its own loopback), all capabilities dropped, a cleared environment, the hidden
// paths (the data dir: mail store, credentials, other workspaces) masked wherever a bind would show them,
// and the workspace bound read-write at its own absolute path.
import { lstatSync, readdirSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';

export interface SystemMount {
  kind: 'ro-bind' | 'symlink';
  /** For a symlink: the link's target text (e.g. "usr/bin" on merged-/usr systems). */
  source: string;
  destination: string;
}

export interface HiddenPath {
  path: string;
  kind: 'directory' | 'file';
}

export interface NodeInstall {
  /** The directory of the running node binary (symlinks resolved): first on PATH inside the sandbox. */
  binDir: string;
  /** The install prefix bound read-only (the parent of bin/), so `node`, its npm and its libraries resolve. */
  prefix: string;
}

export interface BubblewrapPlan {
  systemMounts: SystemMount[];
  node: NodeInstall | undefined;
  hidden: HiddenPath[];
  /** Absolute and symlink-free: bound read-write at the same path and used as the working directory. */
  workdir: string;
  readOnlyPaths: string[];
  environment: Record<string, string>;
}

const SYSTEM_DIRECTORIES = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc', '/opt'];

function lstatOrUndefined(file: string): Stats | undefined {
  try {
    return lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The read-only system view; on merged-/usr systems /bin, /lib… are symlinks and are recreated as such. */
export function discoverSystemMounts(): SystemMount[] {
  const mounts: SystemMount[] = [];
  for (const directory of SYSTEM_DIRECTORIES) {
    const stats = lstatOrUndefined(directory);
    if (!stats) continue;
    if (stats.isSymbolicLink()) mounts.push({ kind: 'symlink', source: readlinkSync(directory), destination: directory });
    else if (stats.isDirectory()) mounts.push({ kind: 'ro-bind', source: directory, destination: directory });
  }
  return mounts;
}

export function discoverNodeInstall(execPath: string = process.execPath): NodeInstall {
  const binDir = path.dirname(realpathSync(execPath));
  return { binDir, prefix: path.basename(binDir) === 'bin' ? path.dirname(binDir) : binDir };
}

/**
 * Files and directories under `root` that other users may not read (/etc/shadow, /etc/ssl/private, SSH host
 * keys…). Sandboxed commands of a root mailswarm run as uid 0 (only mapped into a user namespace, caps
 * dropped), which still owns those files, so they are masked like the hidden paths.
 */
export function unreadableByOthers(root: string): HiddenPath[] {
  const found: HiddenPath[] = [];
  const visit = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const file = path.join(directory, entry.name);
      if (entry.isSymbolicLink()) continue; // its target is checked where it lives
      const mode = lstatSync(file).mode;
      if (entry.isDirectory()) {
        if ((mode & 0o005) !== 0o005) found.push({ path: file, kind: 'directory' });
        else visit(file);
      } else if ((mode & 0o004) === 0) found.push({ path: file, kind: 'file' });
    }
  };
  if (lstatOrUndefined(root)?.isDirectory()) visit(root);
  return found;
}

/** Each path as given and with symlinks resolved (both may be reachable inside), skipping paths that do not exist. */
export function resolveHiddenPaths(paths: string[]): HiddenPath[] {
  const resolved = new Map<string, HiddenPath>();
  for (const given of paths) {
    const absolute = path.resolve(given);
    let stats: Stats;
    try {
      stats = statSync(absolute);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // nothing there to hide yet
      throw error;
    }
    const kind = stats.isDirectory() ? 'directory' : 'file';
    for (const variant of [absolute, realpathSync(absolute)]) resolved.set(variant, { path: variant, kind });
  }
  return [...resolved.values()];
}

export function isInside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent === '/' ? '/' : `${parent}/`);
}

interface MountOperation {
  destination: string;
  /** At the same depth: system binds first, then masks over them, then the workspace over a mask. */
  order: 0 | 1 | 2;
  arguments: string[];
}

const depth = (file: string): number => file.split('/').filter(Boolean).length;

/** The bwrap options (without the command) for one run; the mount operations are ordered parents first. */
export function bubblewrapArguments(plan: BubblewrapPlan): string[] {
  const isHidden = (file: string): boolean => plan.hidden.some((hidden) => isInside(file, hidden.path));
  const operations: MountOperation[] = [];
  // System and Node binds inside a hidden path are dropped: hiding wins over convenience.
  const readOnlySources: string[] = [];
  for (const mount of plan.systemMounts) {
    if (mount.kind === 'symlink') operations.push({ destination: mount.destination, order: 0, arguments: ['--symlink', mount.source, mount.destination] });
    else if (!isHidden(mount.source)) readOnlySources.push(mount.source);
  }
  if (plan.node && !isHidden(plan.node.prefix) && !readOnlySources.some((source) => isInside(plan.node!.prefix, source))) readOnlySources.push(plan.node.prefix);
  for (const source of readOnlySources) operations.push({ destination: source, order: 0, arguments: ['--ro-bind', source, source] });
  // Paths the caller asked for explicitly stay visible even inside a hidden path (e.g. a repository the
  // workspace's git needs), like the workspace itself.
  for (const source of plan.readOnlyPaths) operations.push({ destination: source, order: 2, arguments: ['--ro-bind', source, source] });
  operations.push({ destination: plan.workdir, order: 2, arguments: ['--bind', plan.workdir, plan.workdir] });

  const boundSources = [...readOnlySources, ...plan.readOnlyPaths, plan.workdir];
  const masks = plan.hidden.filter((hidden) => boundSources.some((source) => isInside(hidden.path, source)));
  for (const mask of masks) {
    // A file mask is /dev/null on a nodev mount: opening it fails with EACCES, which reads as "not yours".
    const mountArguments = mask.kind === 'directory' ? ['--tmpfs', mask.path] : ['--ro-bind', '/dev/null', mask.path];
    operations.push({ destination: mask.path, order: 1, arguments: mountArguments });
  }
  operations.sort((left, right) => depth(left.destination) - depth(right.destination) || left.order - right.order);

  const environment = Object.entries(plan.environment).flatMap(([name, value]) => ['--setenv', name, value]);
  // The masking tmpfs are made read-only last, once the workspace mount points inside them exist.
  const readOnlyMasks = masks.filter((mask) => mask.kind === 'directory').flatMap((mask) => ['--remount-ro', mask.path]);
  return [
    '--unshare-all',
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
    '--dev',
    '/dev',
    '--proc',
    '/proc',
    '--tmpfs',
    '/tmp',
    ...operations.flatMap((operation) => operation.arguments),
    ...readOnlyMasks,
    '--clearenv',
    ...environment,
    '--chdir',
    plan.workdir,
  ];
}
