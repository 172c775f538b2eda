// Acceptance 1: the threading scenario against the embedded post office.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startPostOfficeBackend, type MailBackend } from './mail-backends.ts';
import { runThreadingScenario, scenarioAgents, scenarioDomain, scenarioHuman } from './threading-scenario.ts';

describe('swarm against the post office', () => {
  let backend: MailBackend | undefined;
  beforeAll(async () => {
    backend = await startPostOfficeBackend(scenarioDomain, scenarioHuman, scenarioAgents);
  });
  afterAll(async () => {
    await backend?.close();
  });

  it('threads a task through builder and reviewer', async () => {
    await runThreadingScenario(backend!);
  }, 150_000);
});
