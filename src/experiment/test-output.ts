// Reads per-test verdicts out of a test command's output, so a failure can be followed from the commit that
// introduced it to the commit that fixed it. Understood: TAP (node --test's tap reporter, the starter suite's
// one-line reporters: "ok 3 - name", "not ok - name"; TAP version 13/14) and Python unittest's verbose form
// ("test_name (module.Class.test_name) ... ok | FAIL | ERROR"). Output in neither form still counts: the whole
// command is one test named "suite", passing when it exits 0.

export type TestVerdict = 'pass' | 'fail';

export interface TestRun {
  /** Exit status 0 and not killed. */
  passed: boolean;
  /** Test name → verdict; always holds at least one entry. */
  tests: Map<string, TestVerdict>;
}

/** The name of the pseudo-test that stands for a whole command whose output names no test. */
export const WHOLE_SUITE = 'suite';

const tapLine = /^\s*(not ok|ok)\b(?:\s+\d+)?(?:\s+-)?\s*(.*?)\s*$/;
const unittestLine = /^(\S+) \(([^()\s]+)\)(?:\s+\S.*?)? \.\.\. (ok|FAIL|ERROR|expected failure|unexpected success|skipped.*)$/;

/** Per-test verdicts of one run; `exitedCleanly` is exit status 0 and not killed by a limit. */
export function parseTestOutput(output: string, exitedCleanly: boolean): TestRun {
  const tests = new Map<string, TestVerdict>();
  const record = (name: string, verdict: TestVerdict) => {
    // A name seen twice (a subtest and its parent, two files with the same test) fails if either failed.
    if (tests.get(name) !== 'fail') tests.set(name, verdict);
  };
  for (const line of output.split(/\r?\n/)) {
    const unittest = unittestLine.exec(line);
    if (unittest) {
      const [, method, where, outcome] = unittest;
      if (outcome!.startsWith('skipped') || outcome === 'expected failure') continue;
      record(`${where!.endsWith(method!) ? where : `${where}.${method}`}`, outcome === 'ok' ? 'pass' : 'fail');
      continue;
    }
    const tap = tapLine.exec(line);
    if (!tap) continue;
    const rest = tap[2] ?? '';
    // "# SKIP" / "# TODO" directives do not count either way; a TAP plan line ("1..3") never matches.
    if (/#\s*(skip|todo)\b/i.test(rest)) continue;
    const name = rest.replace(/\s+#.*$/, '').trim();
    if (name === '') continue;
    record(name, tap[1] === 'ok' ? 'pass' : 'fail');
  }
  if (tests.size === 0 || (!exitedCleanly && ![...tests.values()].includes('fail'))) {
    // Nothing named failed although the command did (a syntax error, a crash after the last test).
    tests.set(WHOLE_SUITE, exitedCleanly ? 'pass' : 'fail');
  }
  return { passed: exitedCleanly, tests };
}

/** The names that failed, sorted. */
export function failingTests(run: TestRun): string[] {
  return [...run.tests].filter(([, verdict]) => verdict === 'fail').map(([name]) => name).sort();
}

/** The names that passed, sorted. */
export function passingTests(run: TestRun): string[] {
  return [...run.tests].filter(([, verdict]) => verdict === 'pass').map(([name]) => name).sort();
}
