// The code tools of agents that work on projects: read, search, write and edit files of their workspace,
// run commands and tests in the sandbox, diff and commit. Names and parameters are a contract (scripts,
// fakes and other runtimes call them by these names). The patch tools (send_patch, apply_patch) are in
// patch-tools.ts. Mistakes a model can fix (a path outside the workspace, an ambiguous edit, a sandbox that
// cannot run) come back to it as tool errors; the turn goes on.
import { z } from 'zod';
import { SandboxUnavailableError, formatRunResult, type SandboxRunResult } from '../workspace/sandbox/sandbox.ts';
import { GitError } from '../workspace/git-runner.ts';
import { WorkspacePathError } from '../workspace/path-safety.ts';
import { WorkspaceToolError, type Workspace } from '../workspace/workspace.ts';
import { ProjectChoiceError, type ProjectSetup, type TurnWorkspaces } from './agent-workspaces.ts';
import { projectParameter } from './tool-specs.ts';
import { ToolInputError, type SwarmTool, type TurnToolContext } from './tools.ts';

export { projectParameter };

/** Lines of test output a model sees after run_tests. */
const testOutputTailLines = 80;

/** Declares a tool whose failures the model can act on are turned into tool errors. */
export function defineCodeTool<Parameters extends z.ZodObject>(tool: SwarmTool<Parameters>): SwarmTool {
  return {
    ...tool,
    async execute(args: z.infer<Parameters>, context: TurnToolContext) {
      try {
        return await tool.execute(args, context);
      } catch (error) {
        if (isModelFixable(error)) throw new ToolInputError((error as Error).message, { cause: error });
        throw error;
      }
    },
  } as unknown as SwarmTool;
}

function isModelFixable(error: unknown): boolean {
  return (
    error instanceof WorkspacePathError ||
    error instanceof WorkspaceToolError ||
    error instanceof ProjectChoiceError ||
    error instanceof SandboxUnavailableError ||
    error instanceof GitError
  );
}

export function turnWorkspaces(context: TurnToolContext): TurnWorkspaces {
  if (!context.workspaces) throw new ToolInputError('you have no projects: the code tools work only for agents whose definition names projects');
  return context.workspaces;
}

/** The workspace a call means, refreshed at its first use this turn; `notes` prefix the tool's answer. */
export async function useWorkspace(context: TurnToolContext, projectName: string | undefined): Promise<{ project: ProjectSetup; workspace: Workspace; withNotes: (text: string) => string }> {
  const { project, workspace, notes } = await turnWorkspaces(context).use(projectName);
  return { project, workspace, withNotes: (text) => [...notes, text].join('\n\n') };
}

export const workspaceTools: SwarmTool[] = [
  defineCodeTool({
    name: 'list_files',
    description: 'List the files of your workspace (tracked and new), optionally under a folder.',
    parameters: z.object({ project: projectParameter, path: z.string().optional().describe('a folder relative to the workspace root') }),
    async execute(args, context) {
      const { workspace, withNotes } = await useWorkspace(context, args.project);
      return withNotes(await workspace.listFiles(args.path));
    },
  }),
  defineCodeTool({
    name: 'read_file',
    description: 'Read a file of your workspace, optionally only lines start_line..end_line (1-based, inclusive).',
    parameters: z.object({
      project: projectParameter,
      path: z.string().min(1),
      start_line: z.number().int().min(1).optional(),
      end_line: z.number().int().min(1).optional(),
    }),
    async execute(args, context) {
      const { workspace, withNotes } = await useWorkspace(context, args.project);
      return withNotes(await workspace.readFile(args.path, args.start_line, args.end_line));
    },
  }),
  defineCodeTool({
    name: 'search_code',
    description: 'Search the workspace with git grep (extended regular expression); answers path:line:text.',
    parameters: z.object({ project: projectParameter, pattern: z.string().min(1) }),
    async execute(args, context) {
      const { workspace, withNotes } = await useWorkspace(context, args.project);
      return withNotes(await workspace.searchCode(args.pattern));
    },
  }),
  defineCodeTool({
    name: 'write_file',
    description: 'Create or overwrite a file of your workspace with the given content.',
    parameters: z.object({ project: projectParameter, path: z.string().min(1), content: z.string() }),
    async execute(args, context) {
      const { workspace, withNotes } = await useWorkspace(context, args.project);
      return withNotes(await workspace.writeFile(args.path, args.content));
    },
  }),
  defineCodeTool({
    name: 'edit_file',
    description: 'Replace old_text by new_text in a file; old_text must occur exactly once (include enough context).',
    parameters: z.object({ project: projectParameter, path: z.string().min(1), old_text: z.string().min(1), new_text: z.string() }),
    async execute(args, context) {
      const { workspace, withNotes } = await useWorkspace(context, args.project);
      return withNotes(await workspace.editFile(args.path, args.old_text, args.new_text));
    },
  }),
  defineCodeTool({
    name: 'run_command',
    description: 'Run a shell command (sh -c) in your workspace inside the sandbox: no network, no secrets, time and output limits.',
    parameters: z.object({ project: projectParameter, command: z.string().min(1) }),
    async execute(args, context) {
      const { project, workspace, withNotes } = await useWorkspace(context, args.project);
      const { result, notes } = await turnWorkspaces(context).agent.runInSandbox(project, workspace, args.command);
      return withNotes([formatRunResult(result), ...notes].join('\n'));
    },
  }),
  defineCodeTool({
    name: 'run_tests',
    description: "Run the project's tests in the sandbox; answers passed or failed, the exit status and the tail of the output.",
    parameters: z.object({ project: projectParameter }),
    async execute(args, context) {
      const { project, workspace, withNotes } = await useWorkspace(context, args.project);
      const { result, notes } = await turnWorkspaces(context).agent.runInSandbox(project, workspace, project.test);
      return withNotes([formatTestResult(project.test, result), ...notes].join('\n'));
    },
  }),
  defineCodeTool({
    name: 'git_diff',
    description: 'Show your uncommitted changes (staged: true for the staged ones only).',
    parameters: z.object({ project: projectParameter, staged: z.boolean().optional() }),
    async execute(args, context) {
      const { workspace, withNotes } = await useWorkspace(context, args.project);
      return withNotes(await workspace.diff({ staged: args.staged ?? false }));
    },
  }),
  defineCodeTool({
    name: 'commit',
    description: 'Commit all changes of your workspace (you are the author; a Signed-off-by trailer is added).',
    parameters: z.object({ project: projectParameter, message: z.string().min(1).describe('subject line, blank line, then the why') }),
    async execute(args, context) {
      const { workspace, withNotes } = await useWorkspace(context, args.project);
      const commit = await workspace.commit(args.message);
      return withNotes(`Committed ${commit.sha.slice(0, 12)} "${commit.subject}". Send it for review with send_patch.`);
    },
  }),
];

export function formatTestResult(command: string, result: SandboxRunResult): string {
  const verdict = result.killed ? `FAILED (killed: ${result.killed})` : result.exitCode === 0 ? 'PASSED' : 'FAILED';
  const output = [result.stdout, result.stderr].filter((text) => text.trim() !== '').join('\n');
  const lines = output.replace(/\s+$/, '').split('\n');
  const tail = lines.slice(-testOutputTailLines);
  const cut = lines.length - tail.length;
  return [
    `${verdict}: \`${command}\` exited with ${result.exitCode ?? `signal ${result.signal ?? 'unknown'}`} after ${(result.durationMs / 1000).toFixed(1)} s`,
    ...(cut > 0 ? [`[... ${cut} earlier lines of output omitted]`] : []),
    ...tail,
  ].join('\n');
}
