// Acceptance 5: scenario 1 against Debian's Dovecot + Postfix, proving the runtime speaks plain IMAP/SMTP.
// The servers are started and stopped in hooks so they are stopped even when the test itself times out.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { dovecotPostfixUnavailable, startDovecotBackend, type MailBackend } from './mail-backends.ts';
import { runThreadingScenario, scenarioAgents, scenarioDomain, scenarioHuman } from './threading-scenario.ts';

const unavailable = dovecotPostfixUnavailable();

describe.skipIf(unavailable !== undefined)(`swarm against Dovecot + Postfix${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let backend: MailBackend | undefined;
  beforeAll(async () => {
    backend = await startDovecotBackend(scenarioDomain, [scenarioHuman, ...scenarioAgents]);
  });
  afterAll(async () => {
    await backend?.close();
  });

  it('threads a task through builder and reviewer', async () => {
    await runThreadingScenario(backend!);
  }, 150_000);
});
