// The full property-based fuzz run of the IMAP protocol parser and live sessions (issue 13 robustness):
//   node scripts/fuzz-imap.ts [--runs N] [--sessions M] [--seed S]
// N generated and mutated command streams (default 100,000) go through the pure parser's properties
// (test/imap-protocol/parser-fuzz-properties.ts), and M runs (default N/8) of 1-3 concurrent live sessions
// each are played against a real server (test/imap/session-fuzz-harness.ts). Prints progress per batch and a summary;
// exits 1 on the first counterexample (with the command that replays it under vitest: FUZZ_SEED and
// FUZZ_PATH) or when anything went unhandled. `npm test` runs the same properties with fewer inputs.
import fc from 'fast-check';
import { parseArgs } from 'node:util';
import { newParserTally, parserProperties } from '../test/imap-protocol/parser-fuzz-properties.ts';
import { concurrentCasesArbitrary, runSessionCase, startFuzzPostOffice } from '../test/imap/session-fuzz-harness.ts';

const BATCHES = 20;
/** How the parser runs are shared among the properties. */
const PARSER_SHARES: Record<string, number> = { anyBytesSplitAnyhow: 0.4, wellFormedRoundTrip: 0.3, oneBadLineAndOn: 0.2, lineModeAnywhere: 0.1 };

function positiveInteger(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} expects a whole number >= 0, got "${text}"`);
  return value;
}

const { values } = parseArgs({ options: { runs: { type: 'string' }, sessions: { type: 'string' }, seed: { type: 'string' } } });
const runs = positiveInteger(values.runs, 'runs', 100_000);
const sessionRuns = positiveInteger(values.sessions, 'sessions', Math.ceil(runs / 8));
const baseSeed = positiveInteger(values.seed, 'seed', Date.now() % 2 ** 31);

const unhandled: string[] = [];
process.on('unhandledRejection', (reason) => unhandled.push(`unhandled rejection: ${String((reason as Error)?.stack ?? reason)}`));
process.on('uncaughtException', (error) => unhandled.push(`uncaught exception: ${error.stack ?? String(error)}`));

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
console.log(`fuzz-imap: ${runs} parser inputs, ${sessionRuns} runs of concurrent live sessions, seed ${baseSeed}`);

/** Runs `total` runs in BATCHES batches (a seed each, so progress can be printed between them). */
async function inBatches(label: string, replay: string, total: number, run: (numRuns: number, seed: number) => Promise<void> | void, progress: () => string): Promise<void> {
  const batchSize = Math.max(1, Math.ceil(total / BATCHES));
  for (let done = 0, batch = 0; done < total; batch++) {
    const numRuns = Math.min(batchSize, total - done);
    const seed = (baseSeed + batch * 7919) % 2 ** 31;
    try {
      await run(numRuns, seed);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const found = /seed: (-?\d+), path: "([^"]*)"/.exec(message);
      console.error(`\n${label}: counterexample in the batch with seed ${seed}`);
      if (found !== null) console.error(`replay: FUZZ_SEED=${found[1]} FUZZ_PATH=${found[2]} npx vitest run ${replay}`);
      console.error(message);
      // fast-check keeps the property's own error as the cause.
      if (error instanceof Error && error.cause !== undefined) console.error(`caused by: ${error.cause instanceof Error ? error.cause.message : String(error.cause)}`);
      summary(false);
      process.exit(1);
    }
    done += numRuns;
    console.log(`  ${label}: ${done}/${total} ${progress()} (${elapsed()})`);
  }
}

const parserTally = newParserTally();
const sessionTally = { sessions: 0, commandLines: 0, endedWithBye: 0, serverErrorLogs: 0 };

function summary(passed: boolean): void {
  console.log('\nsummary');
  console.log(`  parser:   ${parserTally.inputs} inputs, ${parserTally.commandLines} command lines, ${parserTally.bytes} bytes`);
  console.log(`  sessions: ${sessionTally.sessions} sessions, ${sessionTally.commandLines} command lines, ${sessionTally.endedWithBye} ended with * BYE`);
  console.log(`  unhandled rejections / uncaught exceptions: ${unhandled.length}; server error logs: ${sessionTally.serverErrorLogs}`);
  for (const problem of unhandled.slice(0, 5)) console.log(`    ${problem}`);
  console.log(`  ${passed ? 'PASS' : 'FAIL'} in ${elapsed()} (seed ${baseSeed})`);
}

const properties = parserProperties(parserTally);
for (const [name, property] of Object.entries(properties)) {
  const total = Math.round(runs * (PARSER_SHARES[name] ?? 0));
  if (total === 0) continue;
  const replay = `test/imap-protocol/command-parser-fuzz.test.ts -t ${name}`;
  await inBatches(`parser ${name}`, replay, total, (numRuns, seed) => fc.assert(property, { numRuns, seed }), () => `inputs, ${parserTally.commandLines} command lines so far`);
}

if (sessionRuns > 0) {
  const office = await startFuzzPostOffice();
  try {
    const property = fc.asyncProperty(concurrentCasesArbitrary, async (cases) => {
      office.prepareCase();
      const verdicts = await Promise.all(cases.map((sessionCase) => runSessionCase(office.port, sessionCase, { deadlineMs: 30_000 })));
      for (const [index, verdict] of verdicts.entries()) {
        sessionTally.sessions += 1;
        sessionTally.commandLines += cases[index]!.stream.commandLines;
        if (!verdict.ok) throw new Error(`${verdict.problem}\n${verdict.transcript}`);
        if (verdict.endedWithBye) sessionTally.endedWithBye += 1;
      }
      if (office.errorLogs.length > 0) {
        sessionTally.serverErrorLogs += office.errorLogs.length;
        throw new Error(`the server logged an error: ${office.errorLogs.splice(0).join('\n')}`);
      }
    });
    await inBatches('sessions', 'test/imap/session-fuzz.test.ts', sessionRuns, (numRuns, seed) => fc.assert(property, { numRuns, seed }), () => `runs, ${sessionTally.sessions} sessions, ${sessionTally.commandLines} command lines so far`);
  } finally {
    await office.close();
  }
}

const passed = unhandled.length === 0;
summary(passed);
process.exitCode = passed ? 0 : 1;
