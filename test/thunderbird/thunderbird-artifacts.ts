// Where the Thunderbird test leaves its evidence (test-artifacts/thunderbird/, gitignored): the screenshot,
// Thunderbird's MOZ_LOG (the IMAP conversation: every command sent and line received), its console output
// (which carries the JS SMTP client's conversation) and the profile's user.js; plus the tails a failure
// message quotes, so a red run shows the last commands and the server's answers.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const artifactsDir = path.resolve(import.meta.dirname, '../../test-artifacts/thunderbird');

/** Empties and recreates the artifacts directory (a run's evidence never mixes with an older run's). */
export function resetArtifacts(): string {
  rmSync(artifactsDir, { recursive: true, force: true });
  mkdirSync(artifactsDir, { recursive: true });
  return artifactsDir;
}

export function saveArtifact(name: string, content: string): string {
  const file = path.join(artifactsDir, name);
  writeFileSync(file, content);
  return file;
}

/** MOZ_LOG writes <base>.moz_log for the main process and <base>.child-N.moz_log for helpers. */
export function mozLogFiles(logBase: string): string[] {
  const directory = path.dirname(logBase);
  if (!existsSync(directory)) return [];
  const prefix = path.basename(logBase);
  return readdirSync(directory)
    .filter((name) => name.startsWith(prefix))
    .map((name) => path.join(directory, name));
}

/**
 * The last protocol lines of the IMAP log: commands sent (SendData) and the server's status lines
 * (untagged `*`, continuations `+`, tagged OK/NO/BAD), without the message bytes in between.
 */
export function imapLogTail(logBase: string, lines = 60): string {
  const protocol = mozLogFiles(logBase)
    .flatMap((file) => readFileSync(file, 'utf8').split('\n'))
    .filter((line) => /SendData: |CreateNewLineFromSocket: (\*|\+|\S+ (OK|NO|BAD)\b)|\/IMAP .*(error|fail)/i.test(line));
  return protocol.slice(-lines).join('\n');
}

/** The last lines of Thunderbird's console that speak about SMTP or errors. */
export function consoleTail(output: string, lines = 40): string {
  return output
    .split('\n')
    .filter((line) => /smtp|error|exception|fail/i.test(line))
    .slice(-lines)
    .join('\n');
}
