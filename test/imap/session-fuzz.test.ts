// Property-based fuzz of live IMAP sessions (issue 13 robustness): generated and mutated command streams
// (real verbs with plausible arguments, arbitrary tokens, garbage lines, literals of every kind) sent in
// random partial writes to a real server, from every session state, up to three at once on the same
// mailbox. Each session must answer or end with
// `* BYE`, never hang, never report SERVERBUG, never log an error. The full run is `node scripts/fuzz-imap.ts`;
// it prints the FUZZ_SEED/FUZZ_PATH that replay one of its failures here.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImapClient } from './imap-test-server.ts';
import { concurrentCasesArbitrary, runSessionCase, startFuzzPostOffice, type FuzzPostOffice } from './session-fuzz-harness.ts';

/** FUZZ_SEED and FUZZ_PATH (printed by scripts/fuzz-imap.ts) replay one counterexample. */
const replay = process.env.FUZZ_SEED === undefined ? {} : { seed: Number(process.env.FUZZ_SEED), ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}) };
const RUNS = 600;

let office: FuzzPostOffice;
beforeAll(async () => {
  office = await startFuzzPostOffice();
});
afterAll(async () => {
  await office?.close();
});

describe('IMAP sessions under fuzzing', () => {
  it(`${RUNS} runs of 1-3 concurrent generated sessions: each answers or ends with * BYE, the server stays healthy`, async () => {
    const property = fc.asyncProperty(concurrentCasesArbitrary, async (cases) => {
      office.prepareCase();
      const verdicts = await Promise.all(cases.map((sessionCase) => runSessionCase(office.port, sessionCase, { deadlineMs: 20_000 })));
      for (const verdict of verdicts) if (!verdict.ok) throw new Error(`${verdict.problem}\n${verdict.transcript}`);
      if (office.errorLogs.length > 0) throw new Error(`the server logged an error: ${office.errorLogs.splice(0).join('\n')}`);
    });
    await fc.assert(property, { numRuns: RUNS, ...replay });
    // After all that, a well-behaved client is served as usual.
    const client = await RawImapClient.connect(office.port);
    try {
      expect((await client.command('h1', 'LOGIN alice alice-secret')).at(-1)).toMatch(/^h1 OK /);
      expect((await client.command('h2', 'SELECT INBOX')).at(-1)).toMatch(/^h2 OK /);
      expect((await client.command('h3', 'LOGOUT')).at(-1)).toMatch(/^h3 OK /);
    } finally {
      client.close();
    }
  });
});
