// `mailswarm experiment report DIR`: reads every run result of an experiment folder and writes results.json,
// report.html and each run's page. The suite is read again for its tasks' titles when it is still where
// the runs say it was; the report does not need it otherwise.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { aggregateResults, readRunResults, type ExperimentResults, type SuiteInfo } from './experiment-results.ts';
import { loadSuite } from './load-suite.ts';
import { renderReport } from './report-html.ts';
import { writeJson } from './run-record.ts';
import { writeRunPage } from './run-page.ts';

export async function writeReport(outDir: string): Promise<{ results: ExperimentResults; resultsFile: string; reportFile: string }> {
  const runs = readRunResults(outDir);
  if (runs.length === 0) throw new Error(`${outDir}: no finished runs (runs/*/result.json) to report on`);
  const results = aggregateResults(suiteInfo(outDir, runs[0]!.id), runs);
  for (const run of runs) await writeRunPage(path.join(outDir, 'runs', run.id), run);
  const resultsFile = path.join(outDir, 'results.json');
  const reportFile = path.join(outDir, 'report.html');
  writeJson(resultsFile, results);
  writeFileSync(reportFile, renderReport(results));
  return { results, resultsFile, reportFile };
}

/** Name, description and task titles of the suite named in a run's run.json, relative to the current folder. */
function suiteInfo(outDir: string, runId: string): SuiteInfo {
  const runFile = path.join(outDir, 'runs', runId, 'run.json');
  const suiteDir = existsSync(runFile) ? (JSON.parse(readFileSync(runFile, 'utf8')) as { suite?: string }).suite : undefined;
  if (suiteDir === undefined || !existsSync(suiteDir)) return { name: path.basename(path.resolve(outDir)), description: undefined, path: suiteDir ?? '(unknown)', tasks: [] };
  const suite = loadSuite(suiteDir);
  return {
    name: suite.name,
    description: suite.description,
    path: path.relative(process.cwd(), suite.dir) || '.',
    tasks: suite.tasks.map((task) => ({ id: task.id, title: task.spec.title, kind: task.spec.kind, language: task.spec.language })),
  };
}
