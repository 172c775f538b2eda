// The file tools of a workspace: list, read, search, write, edit, diff. Every path goes through
// resolveWorkspacePath first; results are plain text sized for a prompt (text-limits.ts). Files are UTF-8
// text: a binary or non-UTF-8 file is reported, never decoded with replacement characters (an edit would
// then silently rewrite every byte that did not decode).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runGit } from './git-runner.ts';
import { resolveWorkspacePath } from './path-safety.ts';
import { limitCharacters, limitLines, MAX_TOOL_OUTPUT_CHARACTERS, plural } from './text-limits.ts';
import { WorkspaceToolError } from './workspace-tool-error.ts';

const MAX_LISTED_FILES = 1000;
const MAX_READ_LINES = 2000;
const MAX_SEARCH_LINES = 200;
const MAX_SEARCH_LINE_CHARACTERS = 300;
const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** git's own binary test (buffer_is_binary in xdiff-interface.c): a NUL in the first 8000 bytes. */
const BINARY_PROBE_BYTES = 8000;

/** The path as the model should see it: relative to the root, with / separators. */
function displayPath(root: string, absolute: string): string {
  return path.relative(root, absolute).split(path.sep).join('/') || '.';
}

/** A pathspec that matches the path literally (no glob characters), relative to the root. */
function literalPathspec(root: string, absolute: string): string[] {
  const relative = displayPath(root, absolute);
  return relative === '.' ? [] : [`:(literal)${relative}`];
}

export async function listFiles(root: string, relativePath = '.'): Promise<string> {
  const target = resolveWorkspacePath(root, relativePath, { mustExist: true });
  const pathspec = literalPathspec(root, target);
  const listed = await runGit(['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...pathspec], { cwd: root });
  const deleted = await runGit(['ls-files', '-z', '--deleted', '--', ...pathspec], { cwd: root });
  const gone = new Set(deleted.stdout.split('\0'));
  const files = [...new Set(listed.stdout.split('\0'))].filter((file) => file !== '' && !gone.has(file)).sort();
  if (files.length === 0) return `no files under ${displayPath(root, target)}`;
  return limitLines(files, MAX_LISTED_FILES, (omitted) => `[${plural(omitted, 'more file')} not shown; list a subdirectory to see them]`);
}

type TextContent = { kind: 'text'; text: string } | { kind: 'binary' | 'not-utf8'; bytes: number };

function readText(absolute: string, shown: string): TextContent {
  const stats = fs.statSync(absolute);
  if (stats.isDirectory()) throw new WorkspaceToolError(`${shown} is a directory; list its files instead`);
  if (!stats.isFile()) throw new WorkspaceToolError(`${shown} is not a regular file`);
  if (stats.size > MAX_FILE_BYTES) throw new WorkspaceToolError(`${shown} is ${stats.size} bytes, more than the ${MAX_FILE_BYTES} bytes the file tools handle`);
  const bytes = fs.readFileSync(absolute);
  if (bytes.subarray(0, BINARY_PROBE_BYTES).includes(0)) return { kind: 'binary', bytes: bytes.length };
  try {
    return { kind: 'text', text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    // TextDecoder's only failure with fatal: true is invalid UTF-8, which is the answer itself.
    return { kind: 'not-utf8', bytes: bytes.length };
  }
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export async function readFile(root: string, relativePath: string, startLine?: number, endLine?: number): Promise<string> {
  const absolute = resolveWorkspacePath(root, relativePath, { mustExist: true });
  const shown = displayPath(root, absolute);
  const content = readText(absolute, shown);
  if (content.kind !== 'text') return `${shown} is ${content.kind === 'binary' ? 'a binary file' : 'not UTF-8 text'} (${content.bytes} bytes); not shown`;
  const lines = splitLines(content.text);
  if (lines.length === 0) return `${shown} (empty file)`;
  const first = startLine ?? 1;
  for (const [name, value] of [['startLine', startLine], ['endLine', endLine]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw new WorkspaceToolError(`${name} must be a whole number ≥ 1, not ${value}`);
  }
  if (first > lines.length) throw new WorkspaceToolError(`${shown} has ${plural(lines.length, 'line')}; startLine ${first} is past its end`);
  if (endLine !== undefined && endLine < first) throw new WorkspaceToolError(`endLine ${endLine} is before startLine ${first}`);
  const requestedLast = Math.min(endLine ?? lines.length, lines.length);
  let last = Math.min(requestedLast, first + MAX_READ_LINES - 1);
  let body = lines.slice(first - 1, last).join('\n');
  if (body.length > MAX_TOOL_OUTPUT_CHARACTERS) {
    // Very long lines: fewer of them, still whole.
    let characters = 0;
    last = first - 1;
    while (last < requestedLast && characters + lines[last]!.length + 1 <= MAX_TOOL_OUTPUT_CHARACTERS) characters += lines[last++]!.length + 1;
    if (last < first) throw new WorkspaceToolError(`line ${first} of ${shown} alone is longer than ${MAX_TOOL_OUTPUT_CHARACTERS} characters; not shown`);
    body = lines.slice(first - 1, last).join('\n');
  }
  const header = `${shown} (lines ${first}-${last} of ${lines.length})`;
  const note = last < requestedLast ? `\n[cut at line ${last}; read again with startLine=${last + 1} for more]` : '';
  return `${header}\n${body}${note}`;
}

export async function searchCode(root: string, pattern: string): Promise<string> {
  if (pattern === '') throw new WorkspaceToolError('the search pattern is empty');
  const result = await runGit(
    ['grep', '-n', '-I', '-E', '--untracked', '--no-color', `--max-count=${MAX_SEARCH_LINES}`, '-e', pattern, '--'],
    { cwd: root, allowFailure: true },
  );
  if (result.exitCode === 1 && result.stderr.trim() === '') return `no match for /${pattern}/`;
  if (result.exitCode !== 0) throw new WorkspaceToolError(`search for /${pattern}/ failed: ${result.stderr.trim()} (the pattern is a POSIX extended regular expression)`);
  const lines = result.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (line.length > MAX_SEARCH_LINE_CHARACTERS ? `${line.slice(0, MAX_SEARCH_LINE_CHARACTERS)} [line cut]` : line));
  return limitLines(lines, MAX_SEARCH_LINES, (omitted) => `[${plural(omitted, 'more matching line')} not shown; narrow the pattern]`);
}

/** Writes in place (O_TRUNC keeps the file's mode, e.g. an executable script); never follows a final link. */
function writeResolved(absolute: string, content: string, shown: string): void {
  let descriptor: number;
  try {
    fs.mkdirSync(path.dirname(absolute), { recursive: true });
    descriptor = fs.openSync(absolute, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_NOFOLLOW, 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // "a/b" where "a" is a file, or a directory where the file should go: the model chose a wrong path.
    if (code === 'ENOTDIR' || code === 'EEXIST' || code === 'EISDIR') throw new WorkspaceToolError(`cannot write ${shown}: a file or directory is in the way`, { cause: error });
    throw error;
  }
  try {
    fs.writeFileSync(descriptor, content, 'utf8');
  } finally {
    fs.closeSync(descriptor);
  }
}

export async function writeFile(root: string, relativePath: string, content: string): Promise<string> {
  const absolute = resolveWorkspacePath(root, relativePath, { forWrite: true });
  const shown = displayPath(root, absolute);
  if (shown === '.') throw new WorkspaceToolError('give a file path to write, not the workspace root');
  const existed = fs.existsSync(absolute);
  if (existed && fs.statSync(absolute).isDirectory()) throw new WorkspaceToolError(`${shown} is a directory; give a file path`);
  writeResolved(absolute, content, shown);
  return `${existed ? 'wrote' : 'created'} ${shown} (${plural(splitLines(content).length, 'line')}, ${Buffer.byteLength(content)} bytes)`;
}

export async function editFile(root: string, relativePath: string, oldText: string, newText: string): Promise<string> {
  const absolute = resolveWorkspacePath(root, relativePath, { mustExist: true, forWrite: true });
  const shown = displayPath(root, absolute);
  if (oldText === '') throw new WorkspaceToolError('oldText is empty; give the exact text to replace (or write the whole file)');
  const content = readText(absolute, shown);
  if (content.kind !== 'text') throw new WorkspaceToolError(`${shown} is ${content.kind === 'binary' ? 'a binary file' : 'not UTF-8 text'}; it cannot be edited as text`);
  const positions: number[] = [];
  // Overlapping matches count too: "aa" in "aaa" is ambiguous, and an ambiguous edit is refused.
  for (let index = content.text.indexOf(oldText); index !== -1; index = content.text.indexOf(oldText, index + 1)) positions.push(index);
  if (positions.length === 0) {
    throw new WorkspaceToolError(`oldText was not found in ${shown}; it must match the file exactly, including whitespace and indentation (read the file again)`);
  }
  if (positions.length > 1) {
    const lineNumbers = positions.map((position) => lineNumberAt(content.text, position));
    throw new WorkspaceToolError(
      `oldText was found ${positions.length} times in ${shown} (at lines ${lineNumbers.join(', ')}); include more surrounding text so it matches exactly once`,
    );
  }
  const position = positions[0]!;
  writeResolved(absolute, content.text.slice(0, position) + newText + content.text.slice(position + oldText.length), shown);
  return `edited ${shown} at line ${lineNumberAt(content.text, position)}: replaced ${plural(splitLines(oldText).length || 1, 'line')} with ${plural(splitLines(newText).length, 'line')}`;
}

function lineNumberAt(text: string, position: number): number {
  let line = 1;
  for (let index = text.indexOf('\n'); index !== -1 && index < position; index = text.indexOf('\n', index + 1)) line++;
  return line;
}

const DIFF_OPTIONS = ['--no-color', '--no-ext-diff', '--no-textconv'];

/** Unstaged changes (untracked files shown as new files) or, with staged, what the next commit holds. */
export async function diff(root: string, options: { staged?: boolean } = {}): Promise<string> {
  let text: string;
  if (options.staged) {
    text = (await runGit(['diff', '--cached', ...DIFF_OPTIONS], { cwd: root })).stdout;
  } else {
    // Untracked files appear as new files through intent-to-add entries in a throw-away copy of the index:
    // the real index is never touched.
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mailswarm-diff-index-'));
    try {
      const indexPath = path.resolve(root, (await runGit(['rev-parse', '--git-path', 'index'], { cwd: root })).stdout.trim());
      const scratchIndex = path.join(scratch, 'index');
      if (fs.existsSync(indexPath)) fs.copyFileSync(indexPath, scratchIndex);
      const env = { GIT_INDEX_FILE: scratchIndex };
      const untracked = (await runGit(['ls-files', '-z', '--others', '--exclude-standard'], { cwd: root })).stdout;
      if (untracked !== '') {
        await runGit(['add', '--intent-to-add', '--pathspec-from-file=-', '--pathspec-file-nul'], {
          cwd: root,
          env: { ...env, GIT_LITERAL_PATHSPECS: '1' },
          input: untracked,
        });
      }
      text = (await runGit(['diff', ...DIFF_OPTIONS], { cwd: root, env })).stdout;
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }
  if (text === '') return options.staged ? 'no staged changes' : 'no uncommitted changes';
  return limitCharacters(text, MAX_TOOL_OUTPUT_CHARACTERS, '[diff cut here; it is longer than a tool result may be]');
}
