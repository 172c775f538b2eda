// Turns a path a model gave into an absolute path inside its workspace, or refuses it with a message the
// model can act on. Symbolic links are followed by hand, component by component (like realpath(3), but
// checking every step), so a link anywhere on the path — intermediate, final or dangling — whose target lies
// outside the workspace is refused before any file is opened. The returned path contains no symbolic links
// at all: callers open exactly the file that was checked, never the raw path.
import fs from 'node:fs';
import path from 'node:path';

export class WorkspacePathError extends Error {
  readonly requestedPath: string;

  constructor(requestedPath: string, message: string) {
    super(message);
    this.name = 'WorkspacePathError';
    this.requestedPath = requestedPath;
  }
}

export interface ResolveWorkspacePathOptions {
  /** Refuse a path that does not exist (after following links inside the workspace). */
  mustExist?: boolean;
  /** The caller will write: refuse anything inside a .git directory. */
  forWrite?: boolean;
}

/** Same bound as the kernel's (MAXSYMLINKS in Linux): a loop of links ends with an error, not a hang. */
const MAX_SYMBOLIC_LINKS = 40;

export function resolveWorkspacePath(root: string, relativePath: string, options: ResolveWorkspacePathOptions = {}): string {
  const shown = JSON.stringify(relativePath);
  if (relativePath.includes('\0')) throw new WorkspacePathError(relativePath, `path ${shown} contains a NUL byte`);
  if (path.isAbsolute(relativePath)) {
    throw new WorkspacePathError(relativePath, `path ${shown} is absolute; give a path relative to the workspace root, such as "src/index.ts"`);
  }
  const realRoot = fs.realpathSync(root);
  const outside = (): WorkspacePathError => new WorkspacePathError(relativePath, `path ${shown} is outside the workspace`);
  const lexical = path.resolve(realRoot, relativePath);
  if (!isInside(realRoot, lexical)) throw outside();

  let pending = splitComponents(path.relative(realRoot, lexical));
  let current = realRoot;
  let linksFollowed = 0;
  let missing = false;
  while (pending.length > 0) {
    const [name, ...rest] = pending;
    pending = rest;
    const next = path.join(current, name!);
    if (missing) {
      current = next;
      continue;
    }
    let stats: fs.Stats;
    try {
      stats = fs.lstatSync(next);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      missing = true;
      current = next;
      continue;
    }
    if (!stats.isSymbolicLink()) {
      current = next;
      continue;
    }
    if (++linksFollowed > MAX_SYMBOLIC_LINKS) {
      throw new WorkspacePathError(relativePath, `path ${shown} goes through more than ${MAX_SYMBOLIC_LINKS} symbolic links (a loop?)`);
    }
    // Lexical resolution of the target is safe here: the walk restarts from the root over the normalised
    // target, so every component of the result is checked again.
    const target = path.resolve(current, fs.readlinkSync(next));
    if (!isInside(realRoot, target)) {
      const link = path.relative(realRoot, next);
      throw new WorkspacePathError(
        relativePath,
        `path ${shown} is outside the workspace: ${JSON.stringify(link)} is a symbolic link to ${JSON.stringify(target)}`,
      );
    }
    pending = [...splitComponents(path.relative(realRoot, target)), ...pending];
    current = realRoot;
  }

  if (missing && options.mustExist) throw new WorkspacePathError(relativePath, `path ${shown} does not exist in the workspace`);
  if (options.forWrite && splitComponents(path.relative(realRoot, current)).some((name) => name.toLowerCase() === '.git')) {
    throw new WorkspacePathError(relativePath, `path ${shown} is inside .git/, which holds git's own data and cannot be written`);
  }
  return current;
}

function splitComponents(relative: string): string[] {
  return relative.split(path.sep).filter((name) => name !== '' && name !== '.');
}

function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}
