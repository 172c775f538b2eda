// Property-based fuzz of the pure command parser (issue 13 robustness): a few thousand generated and
// mutated command streams per property, fed whole and in random partial reads. The full run (100,000+
// inputs and live sessions) is `node scripts/fuzz-imap.ts`; a failure there prints the FUZZ_SEED/FUZZ_PATH
// that replay it here.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { parserProperties } from './parser-fuzz-properties.ts';

/** FUZZ_SEED and FUZZ_PATH (printed by scripts/fuzz-imap.ts) replay one counterexample. */
const replay = process.env.FUZZ_SEED === undefined ? {} : { seed: Number(process.env.FUZZ_SEED), ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}) };
const runs: Record<string, number> = { wellFormedRoundTrip: 1500, anyBytesSplitAnyhow: 2500, oneBadLineAndOn: 1000, lineModeAnywhere: 800 };

describe('command parser under fuzzing', () => {
  const properties = parserProperties();
  for (const [name, property] of Object.entries(properties)) {
    it(name, () => {
      fc.assert(property, { numRuns: runs[name] ?? 1000, ...replay });
    });
  }
});
