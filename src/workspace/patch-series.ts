// Turns a workspace's commits since upstream into patch mails with git-format-patch(1): one part per commit,
// plus a cover letter ("[PATCH 0/n]", git's shortlog and diffstat kept, the blurb replaced) for a series of
// more than one. Each part is split into the header fields a mail layer needs and the body, byte for byte
// as git wrote it: one changed byte and git am fails. Threading (Message-ID, In-Reply-To) is the mail
// layer's job. The body is signed "-- \nmailswarm" rather than with git's version, and blob ids are
// abbreviated to a fixed 12 digits, so the same commits give the same mail on any git version.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { committerSeconds, rawGitDate } from './commit-dates.ts';
import { decodeEncodedWords, formatAddress } from './encoded-words.ts';
import { runGit } from './git-runner.ts';
import { plural } from './text-limits.ts';
import type { Workspace } from './workspace.ts';
import { WorkspaceToolError } from './workspace-tool-error.ts';

export interface PatchMailPart {
  kind: 'cover' | 'patch';
  /** 0 for the cover letter, 1..total for the patches. */
  index: number;
  total: number;
  /** Unfolded and decoded (RFC 2047), as format-patch made it, e.g. "[PATCH v2 1/3] Fix parse". */
  subject: string;
  authorName: string;
  authorEmail: string;
  /** format-patch's Date: header value (the author date; the cover letter's is the committer date). */
  date: string;
  /** The commit sha of a patch; undefined for the cover letter. */
  commit: string | undefined;
  /** MIME-Version, Content-Type, Content-Transfer-Encoding exactly as git wrote them (when it did). */
  headers: Array<[string, string]>;
  /** Everything after git's header block, LF line endings, byte-exact. */
  body: string;
}

export interface FormatPatchSeriesOptions {
  /** 2 and up give "[PATCH v2 ...]". */
  version?: number;
  coverSubject?: string;
  coverBody?: string;
}

const MIME_HEADERS = new Set(['mime-version', 'content-type', 'content-transfer-encoding']);
const SUBJECT_PLACEHOLDER = '*** SUBJECT HERE ***';
const BLURB_PLACEHOLDER = '*** BLURB HERE ***';

export async function formatPatchSeries(workspace: Workspace, options: FormatPatchSeriesOptions = {}): Promise<PatchMailPart[]> {
  const commits = await workspace.commitsSinceUpstream();
  if (commits.length === 0) {
    throw new WorkspaceToolError(`no commits to send: HEAD has nothing that upstream ${workspace.branch} lacks (commit your changes first)`);
  }
  const version = options.version ?? 1;
  if (!Number.isInteger(version) || version < 1) throw new WorkspaceToolError(`the series version must be a whole number ≥ 1, not ${version}`);
  const withCover = commits.length > 1;
  const outputDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'mailswarm-format-patch-'));
  try {
    // The cover letter is dated with the committer date: in logical mode pin it to HEAD's, not the clock.
    const env = workspace.commitDates === 'logical' ? { GIT_COMMITTER_DATE: rawGitDate(await committerSeconds(workspace.root, 'HEAD')) } : undefined;
    const result = await runGit(
      [
        '-c', 'core.abbrev=12',
        'format-patch', '--output-directory', outputDirectory, '--signature=mailswarm', '--no-thread',
        ...(withCover ? ['--cover-letter', '--numbered'] : ['--no-numbered']),
        ...(version > 1 ? [`--reroll-count=${version}`] : []),
        `${workspace.upstreamRef}..HEAD`, '--',
      ],
      { cwd: workspace.root, ...(env ? { env } : {}) },
    );
    const files = result.stdout.split('\n').filter((line) => line !== '');
    const expected = commits.length + (withCover ? 1 : 0);
    if (files.length !== expected) throw new Error(`git format-patch wrote ${files.length} files for ${plural(commits.length, 'commit')} in ${workspace.root}`);
    return files.map((file, position) => {
      const kind = withCover && position === 0 ? 'cover' : 'patch';
      const index = withCover ? position : 1;
      const parsed = parsePatchFile(fs.readFileSync(path.resolve(workspace.root, file)), file);
      if (kind === 'cover') {
        return coverPart(parsed, commits.length, workspace.author, options);
      }
      const commit = commits[withCover ? position - 1 : 0]!;
      if (parsed.commit !== commit.sha) throw new Error(`git format-patch wrote ${file} for commit ${parsed.commit}, expected ${commit.sha}`);
      return {
        kind,
        index,
        total: commits.length,
        subject: parsed.subject,
        authorName: commit.authorName,
        authorEmail: commit.authorEmail,
        date: parsed.date,
        commit: commit.sha,
        headers: parsed.mimeHeaders,
        body: parsed.body,
      };
    });
  } finally {
    fs.rmSync(outputDirectory, { recursive: true, force: true });
  }
}

interface ParsedPatchFile {
  commit: string;
  subject: string;
  date: string;
  mimeHeaders: Array<[string, string]>;
  body: string;
}

function parsePatchFile(bytes: Buffer, file: string): ParsedPatchFile {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (error) {
    throw new WorkspaceToolError(
      `the patch ${path.basename(file)} contains bytes that are not UTF-8 (a file in a non-UTF-8 encoding?); patches are mailed as UTF-8 text, so re-save the file as UTF-8 and commit again`,
      { cause: error },
    );
  }
  const headerEnd = text.indexOf('\n\n');
  if (headerEnd === -1) throw new Error(`${file} has no header block`);
  const [fromLine, ...headerLines] = text.slice(0, headerEnd).split('\n');
  const commit = /^From ([0-9a-f]{40}) /.exec(fromLine ?? '')?.[1];
  if (!commit) throw new Error(`${file} does not start with format-patch's "From <sha>" line`);
  const headers: Array<[string, string]> = [];
  for (const line of headerLines) {
    if (/^[ \t]/.test(line) && headers.length > 0) headers.at(-1)![1] += line;
    else {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new Error(`${file} has a malformed header line ${JSON.stringify(line)}`);
      headers.push([line.slice(0, colon), line.slice(colon + 1).trimStart()]);
    }
  }
  const header = (name: string): string => headers.find(([key]) => key.toLowerCase() === name)?.[1] ?? '';
  return {
    commit,
    subject: decodeEncodedWords(header('subject')),
    date: header('date'),
    mimeHeaders: headers.filter(([key]) => MIME_HEADERS.has(key.toLowerCase())),
    body: text.slice(headerEnd + 2),
  };
}

function coverPart(parsed: ParsedPatchFile, total: number, author: { name: string; email: string }, options: FormatPatchSeriesOptions): PatchMailPart {
  const coverSubject = (options.coverSubject ?? '').trim() || `Series of ${total} patches`;
  const coverBody = (options.coverBody ?? '').replace(/\s+$/, '');
  const blurbLine = `${BLURB_PLACEHOLDER}\n\n`;
  if (!parsed.body.startsWith(blurbLine) || !parsed.subject.includes(SUBJECT_PLACEHOLDER)) {
    throw new Error(`git format-patch's cover letter no longer has the "${SUBJECT_PLACEHOLDER}" / "${BLURB_PLACEHOLDER}" placeholders`);
  }
  const body = (coverBody === '' ? '' : `${coverBody}\n\n`) + parsed.body.slice(blurbLine.length);
  const subject = parsed.subject.replace(SUBJECT_PLACEHOLDER, coverSubject.replace(/\s*\n\s*/g, ' '));
  let headers = parsed.mimeHeaders;
  // git declared a charset only if its own text needed one; our subject or blurb may need it now.
  if (headers.length === 0 && /[^\x00-\x7f]/.test(subject + body)) {
    headers = [['MIME-Version', '1.0'], ['Content-Type', 'text/plain; charset=UTF-8'], ['Content-Transfer-Encoding', '8bit']];
  }
  return { kind: 'cover', index: 0, total, subject, authorName: author.name, authorEmail: author.email, date: parsed.date, commit: undefined, headers, body };
}

/**
 * The body as git send-email would send it from `sender`: when the sender is not the author, an in-body
 * "From: Author <address>" line and a blank line go first, so git am records the author, not the sender.
 */
export function patchBodyForSender(part: PatchMailPart, sender: { name: string; email: string }): string {
  const sameAuthor = part.authorName === sender.name && part.authorEmail.toLowerCase() === sender.email.toLowerCase();
  if (part.kind === 'cover' || sameAuthor) return part.body;
  return `From: ${formatAddress(part.authorName, part.authorEmail)}\n\n${part.body}`;
}
