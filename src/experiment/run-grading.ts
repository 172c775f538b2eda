// Runs a task's tests over a checkout, in the same sandbox the agents' commands use: the visible tests (the
// task's `test`), then the hidden ones (hidden/ copied over the checkout, the task's `grade`). Grading always
// runs with PYTHONHASHSEED=0 so a test that depends on hash order (a flaky test) gives the same verdict at
// the same commit in every run; the agents' own runs keep Python's random seed, flakiness included.
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Sandbox, type SandboxRunResult } from '../workspace/sandbox/sandbox.ts';
import type { ExperimentTask } from './suite-format.ts';
import { parseTestOutput, type TestRun } from './test-output.ts';

export interface SuiteVerdict {
  passed: boolean;
  run: TestRun;
  output: string;
}

export interface CheckoutGrade {
  visible: SuiteVerdict;
  hidden: SuiteVerdict;
}

export const gradingEnvironment = { PYTHONHASHSEED: '0' } as const;

export class TaskGrader {
  readonly task: ExperimentTask;
  readonly #sandbox: Sandbox;

  private constructor(task: ExperimentTask, sandbox: Sandbox) {
    this.task = task;
    this.#sandbox = sandbox;
  }

  static async create(task: ExperimentTask, mode: 'bubblewrap' | 'none', hiddenPaths: string[]): Promise<TaskGrader> {
    const sandbox = await Sandbox.create({ mode, hiddenPaths, limits: { timeoutMs: Math.min(task.spec.timeout, 300) * 1000 } });
    if (!sandbox.status.available) throw new Error(`grading needs the sandbox: ${sandbox.status.reason}`);
    return new TaskGrader(task, sandbox);
  }

  /** Visible, then hidden tests in `directory` (a checkout the caller resets afterwards: hidden/ is copied in). */
  async grade(directory: string): Promise<CheckoutGrade> {
    if (this.task.spec.setup) await this.#run(directory, this.task.spec.setup);
    const visible = verdictOf(await this.#run(directory, this.task.spec.test));
    cpSync(this.task.hiddenDir, directory, { recursive: true, force: true });
    const hidden = verdictOf(await this.#run(directory, this.task.spec.grade));
    return { visible, hidden };
  }

  /** Per-test verdicts named "visible:<test>" and "hidden:<test>", as the attribution wants them. */
  async testsAt(directory: string): Promise<Map<string, 'pass' | 'fail'>> {
    const { visible, hidden } = await this.grade(directory);
    return new Map([...[...visible.run.tests].map(([name, verdict]) => [`visible:${name}`, verdict] as const), ...[...hidden.run.tests].map(([name, verdict]) => [`hidden:${name}`, verdict] as const)]);
  }

  #run(directory: string, command: string): Promise<SandboxRunResult> {
    return this.#sandbox.run({ workdir: directory, command, env: { ...gradingEnvironment } });
  }
}

function verdictOf(result: SandboxRunResult): SuiteVerdict {
  const passed = result.exitCode === 0 && result.killed === undefined;
  const output = [result.stdout, result.stderr].filter((text) => text.trim() !== '').join('\n');
  return { passed, run: parseTestOutput(output, passed), output: result.killed ? `${output}\n[killed: ${result.killed}]` : output };
}

export function writeGradeOutputs(dir: string, grade: CheckoutGrade): void {
  writeFileSync(path.join(dir, 'visible-tests.txt'), grade.visible.output);
  writeFileSync(path.join(dir, 'hidden-tests.txt'), grade.hidden.output);
}
