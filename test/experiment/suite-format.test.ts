// The suite format (experiments/README.md): the starter suite loads with at least eight tasks in JavaScript
// and Python covering the four required kinds, every task's tests are where task.yaml says; mistakes are
// refused before any run with the file and the field named.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSuite, SuiteError } from '../../src/experiment/load-suite.ts';
import { REPO } from '../cli/run-cli.ts';

const starter = path.join(REPO, 'experiments', 'suites', 'bugs');
const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the starter suite with one task, to break in one place. */
function suiteWith(change: (taskDir: string, suiteDir: string) => void): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-suite-'));
  scratch.push(dir);
  cpSync(path.join(starter, 'agents'), path.join(dir, 'agents'), { recursive: true });
  cpSync(path.join(starter, 'js-median'), path.join(dir, 'js-median'), { recursive: true });
  change(path.join(dir, 'js-median'), dir);
  return dir;
}

function loadError(dir: string): string {
  try {
    loadSuite(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(SuiteError);
    return (error as Error).message;
  }
  throw new Error(`${dir} loaded although it should not`);
}

describe('experiment suites', () => {
  it('loads the starter suite: at least eight tasks, JavaScript and Python, every required kind, scripted turns for keyless runs', () => {
    const suite = loadSuite(starter);
    expect(suite.name).toBe('bugs');
    expect(suite.tasks.length).toBeGreaterThanOrEqual(8);
    expect(new Set(suite.tasks.map((task) => task.spec.language))).toEqual(new Set(['javascript', 'python']));
    for (const kind of ['seeded-bug', 'feature-breaks-test', 'api-change', 'flaky-test']) expect(suite.tasks.map((task) => task.spec.kind)).toContain(kind);
    for (const task of suite.tasks) {
      expect(task.repoIsGit, task.id).toBe(false);
      expect([...task.turns.keys()], task.id).toEqual(expect.arrayContaining(['builder', 'tester']));
    }
    expect(suite.settings.pipeline).toEqual(['builder', 'reviewer', 'tester', 'maintainer']);
  });

  it('names the file and the field of a bad task.yaml', () => {
    const unknownField = suiteWith((task) => writeFileSync(path.join(task, 'task.yaml'), 'title: t\nto: builder\nsubject: s\nbody: b\ntest: "true"\ngrade: "true"\ncolour: red\n'));
    expect(loadError(unknownField)).toMatch(/js-median\/task\.yaml: field "\(top level\)": unknown field\(s\) "colour"/);
    const missing = suiteWith((task) => writeFileSync(path.join(task, 'task.yaml'), 'title: t\nto: builder\nsubject: s\nbody: b\ntest: true\n'));
    expect(loadError(missing)).toMatch(/task\.yaml: field "test": Invalid input: expected string, received boolean; field "grade": is required/);
    const badYaml = suiteWith((task) => writeFileSync(path.join(task, 'task.yaml'), 'title: [unclosed\n'));
    expect(loadError(badYaml)).toMatch(/task\.yaml \(line \d+, column \d+\): not valid YAML/);
  });

  it('refuses a task whose agent, hidden tests or turns do not exist', () => {
    const stranger = suiteWith((task) => writeFileSync(path.join(task, 'task.yaml'), 'title: t\nto: stranger\nsubject: s\nbody: b\ntest: "true"\ngrade: "true"\n'));
    expect(loadError(stranger)).toMatch(/task\.yaml: field "to": no agent "stranger" in .*agents \(agents: builder, maintainer, reviewer, tester\)/);
    const noHidden = suiteWith((task) => rmSync(path.join(task, 'hidden'), { recursive: true }));
    expect(loadError(noHidden)).toMatch(/js-median: hidden\/ is missing/);
    const strayTurns = suiteWith((task) => writeFileSync(path.join(task, 'turns', 'ghost.yaml'), 'turns: []\n'));
    expect(loadError(strayTurns)).toMatch(/turns\/ghost\.yaml: no agent "ghost"/);
    const badPipeline = suiteWith((_task, suite) => writeFileSync(path.join(suite, 'suite.yaml'), 'pipeline: [builder, architect]\n'));
    expect(loadError(badPipeline)).toMatch(/the suite's pipeline names "architect"/);
    const notATask = suiteWith((_task, suite) => mkdirSync(path.join(suite, 'notes')));
    expect(loadError(notATask)).toMatch(/notes: not a task: it has no task\.yaml/);
  });
});
