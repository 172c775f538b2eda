// `--record DIR` and `--replay DIR`: calls of the scripted and offline models (and one failing call) are
// recorded as JSON lines, replayed with identical responses, ids and errors, refused clearly when the
// conversation takes another shape or the file is damaged, and a recording survives kill -9 of its process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createModel } from '../../src/providers/create-model.ts';
import { ModelError, type ChatMessage, type LanguageModel, type ModelResponse } from '../../src/providers/model.ts';
import { OfflineModel } from '../../src/providers/offline/offline-model.ts';
import { renderTurn, type TurnMailView } from '../../src/providers/offline/turn-format.ts';
import { ModelRecorder } from '../../src/providers/record-replay/model-recorder.ts';
import { recordedAgents, ReplayFileError, ReplayModel } from '../../src/providers/record-replay/replay-model.ts';

const temporaryDirs: string[] = [];
afterEach(() => {
  for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function temporaryDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mailswarm-record-'));
  temporaryDirs.push(dir);
  return dir;
}

const script = `turns:
  - name: review
    when: {subject: PATCH}
    steps:
      - - run_tests: {}
      - - reply: {body: "{{result.run_tests}} on {{mail.subject}}"}
    text: Reviewed.
  - name: ask for tests
    when: {subject: tests}
    steps: [[run_tests: {}]]
`;

function scriptedReviewer(): LanguageModel {
  const dir = temporaryDir();
  writeFileSync(join(dir, 'reviewer.yaml'), script);
  return createModel('scripted:reviewer.yaml', { baseDir: dir, allowOfflineFallback: false }).model;
}

function turnMessage(subject: string, date = 'Tue, 03 Mar 2026 10:00:00 +0000', from = 'Alice <alice@swarm.test>'): string {
  const mail: TurnMailView = {
    messageId: `<${subject.replace(/\W/g, '')}@swarm.test>`,
    status: 'new',
    addressedAs: 'to',
    from,
    to: ['reviewer@swarm.test'],
    cc: [],
    date,
    subject,
    autoSubmitted: undefined,
    agent: undefined,
    attachments: [],
    body: 'Please review. Thanks.',
  };
  return renderTurn({
    self: { name: 'reviewer', address: 'reviewer@swarm.test', role: 'reviews' },
    directory: [{ kind: 'human', name: 'alice', address: 'alice@swarm.test' }],
    subject,
    messages: [mail],
  });
}

const allTools = ['reply', 'no_reply', 'run_tests'].map((name) => ({ name, description: name, parameters: z.object({}) }));

/** The runtime's turn loop in small: every tool call gets `resultFor(name)` back. */
async function playTurn(model: LanguageModel, userMessage: string, resultFor: (tool: string) => { name: string; content: string }, tools = allTools) {
  const messages: ChatMessage[] = [{ role: 'user', content: userMessage }];
  const responses: ModelResponse[] = [];
  for (let step = 0; step < 5; step++) {
    const response = await model.generate({ system: 'You review.', messages: [...messages], tools });
    responses.push(response);
    messages.push(response.message);
    if (response.toolCalls.length === 0) break;
    messages.push({ role: 'tool', results: response.toolCalls.map((call) => ({ callId: call.id, ...resultFor(call.name) })) });
  }
  return responses;
}

const sameName = (content: string) => (tool: string) => ({ name: tool, content });

/** Records two scripted turns, a failing call and an offline turn; returns the directory and what was answered. */
async function recordRun() {
  const dir = join(temporaryDir(), 'recording');
  const recorder = new ModelRecorder(dir);
  const reviewer = recorder.wrap('reviewer', scriptedReviewer());
  const helper = recorder.wrap('helper', new OfflineModel({ id: 'offline:helper' }));
  recorder.wrap('idle', new OfflineModel({ id: 'offline' }));
  const patchTurn = await playTurn(reviewer, turnMessage('[PATCH] fix CRLF'), sameName('3 passed'));
  // The agent has no run_tests tool: the scripted model refuses the step, and the recording keeps the error.
  const failure = await playTurn(reviewer, turnMessage('run the tests'), sameName('x'), allTools.filter((tool) => tool.name !== 'run_tests')).catch((error: unknown) => error);
  const helperTurn = await playTurn(helper, turnMessage('status?'), sameName('sent'));
  return { dir, reviewer, patchTurn, failure, helperTurn };
}

describe('recording', () => {
  it('keeps the id and vendor and writes one JSON line per call as it happens', async () => {
    const { dir, reviewer, patchTurn, failure } = await recordRun();
    expect(reviewer.id).toBe('scripted:reviewer.yaml');
    expect(reviewer.vendor).toBe('scripted');
    expect(failure).toBeInstanceOf(ModelError);

    const lines = readFileSync(join(dir, 'reviewer.jsonl'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => line.seq)).toEqual([1, 2, 3, 4]);
    expect(lines[0]).toMatchObject({ modelId: 'scripted:reviewer.yaml', vendor: 'scripted', request: { system: 'You review.', tools: ['reply', 'no_reply', 'run_tests'] } });
    expect(lines[0].request.messages).toEqual([{ role: 'user', content: turnMessage('[PATCH] fix CRLF') }]);
    // The request is taken before the runtime appended the response to the conversation.
    expect(lines[1].request.messages.map((message: ChatMessage) => message.role)).toEqual(['user', 'assistant', 'tool']);
    expect(lines.slice(0, 3).map((line) => line.response)).toEqual(patchTurn);
    expect(lines[3].error).toEqual({ kind: 'bad_request', message: (failure as ModelError).message, retryable: false, status: null });
    expect(lines[3].response).toBeUndefined();
    expect(recordedAgents(dir)).toEqual(['helper', 'idle', 'reviewer']);
  });

  it('survives kill -9 of the recording process up to the last finished call', () => {
    const dir = join(temporaryDir(), 'killed');
    const source = (file: string) => JSON.stringify(pathToFileURL(join(import.meta.dirname, '../../src/providers', file)).href);
    const program = `
      import { ModelRecorder } from ${source('record-replay/model-recorder.ts')};
      import { OfflineModel } from ${source('offline/offline-model.ts')};
      const model = new ModelRecorder(${JSON.stringify(dir)}).wrap('helper', new OfflineModel({ id: 'offline' }));
      for (const text of ['one', 'two']) await model.generate({ system: '', messages: [{ role: 'user', content: text }], tools: [] });
      process.kill(process.pid, 'SIGKILL');`;
    const child = spawnSync(process.execPath, ['--input-type=module', '--eval', program], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.signal).toBe('SIGKILL');
    const replay = ReplayModel.load(dir, 'helper');
    expect(replay.id).toBe('offline');
    expect(readFileSync(join(dir, 'helper.jsonl'), 'utf8').split('\n')).toHaveLength(3);
  });

  it('continues the numbering when an agent is wrapped again, and starts afresh in a new recording', async () => {
    const dir = temporaryDir();
    const request = { system: '', messages: [{ role: 'user' as const, content: 'hello' }], tools: [] };
    await new ModelRecorder(dir).wrap('helper', new OfflineModel({ id: 'offline' })).generate(request);
    const recorder = new ModelRecorder(dir);
    await recorder.wrap('helper', new OfflineModel({ id: 'offline' })).generate(request);
    await recorder.wrap('helper', new OfflineModel({ id: 'offline' })).generate(request);
    const seqs = readFileSync(join(dir, 'helper.jsonl'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line).seq);
    expect(seqs).toEqual([1, 2]);
    expect(() => recorder.wrap('../escape', new OfflineModel({ id: 'offline' }))).toThrow(/its name must be letters, digits/);
  });
});

describe('replaying', () => {
  it('answers with the recorded responses, ids and errors, even when texts such as dates differ', async () => {
    const { dir, patchTurn, failure, helperTurn } = await recordRun();
    const reviewer = ReplayModel.load(dir, 'reviewer');
    expect(reviewer.id).toBe('scripted:reviewer.yaml');
    expect(reviewer.vendor).toBe('scripted');
    const laterDate = 'Wed, 04 Mar 2026 11:00:00 +0000';
    expect(await playTurn(reviewer, turnMessage('[PATCH] fix CRLF', laterDate), sameName('3 passed, other text'))).toEqual(patchTurn);
    const replayedFailure = await playTurn(reviewer, turnMessage('run the tests', laterDate), sameName('x')).catch((error: unknown) => error);
    expect(replayedFailure).toBeInstanceOf(ModelError);
    expect(replayedFailure).toMatchObject({ kind: 'bad_request', retryable: false, message: (failure as ModelError).message });

    const helper = ReplayModel.load(dir, 'helper');
    expect([helper.id, helper.vendor]).toEqual(['offline:helper', 'offline']);
    expect(await playTurn(helper, turnMessage('status?'), sameName('sent'))).toEqual(helperTurn);

    const idle = ReplayModel.load(dir, 'idle');
    await expect(idle.generate({ system: '', messages: [{ role: 'user', content: 'hi' }], tools: [] })).rejects.toThrow(/call 1 diverged: expected no call \(the recording has 0\)/);
  });

  it('fails clearly when the conversation diverges or runs past the end of the recording', async () => {
    const { dir } = await recordRun();
    const file = join(dir, 'reviewer.jsonl');
    const differentTool = ReplayModel.load(dir, 'reviewer');
    const diverged = await playTurn(differentTool, turnMessage('[PATCH] fix CRLF'), () => ({ name: 'reply', content: 'ok' })).catch((error: unknown) => error);
    expect(diverged).toBeInstanceOf(ModelError);
    expect(diverged).toMatchObject({ kind: 'bad_request', retryable: false });
    expect((diverged as Error).message).toBe(
      `replay ${file}: call 2 diverged at message 3: expected tool[run_tests], got tool[reply] ` +
        '(recorded messages: user, assistant[run_tests], tool[run_tests]; now: user, assistant[run_tests], tool[reply])',
    );

    const pastTheEnd = ReplayModel.load(dir, 'reviewer');
    await playTurn(pastTheEnd, turnMessage('[PATCH] fix CRLF'), sameName('3 passed'));
    await expect(pastTheEnd.generate({ system: '', messages: [{ role: 'user', content: 'x' }], tools: allTools })).rejects.toThrow(/calls tool "run_tests"/);
    await expect(pastTheEnd.generate({ system: '', messages: [{ role: 'user', content: 'x' }], tools: allTools })).rejects.toThrow(
      `replay ${file}: call 5 diverged: expected no call (the recording has 4), got one with messages user`,
    );
  });

  it('refuses a missing or damaged recording, naming the file and line', async () => {
    const { dir } = await recordRun();
    expect(() => ReplayModel.load(dir, 'ghost')).toThrow(ReplayFileError);
    expect(() => ReplayModel.load(dir, 'ghost')).toThrow(`replay ${join(dir, 'ghost.jsonl')}: no recording of agent "ghost"`);
    const [firstLine = '', secondLine = ''] = readFileSync(join(dir, 'reviewer.jsonl'), 'utf8').split('\n');
    const damaged = (name: string, text: string) => {
      writeFileSync(join(dir, `${name}.jsonl`), text);
      return () => ReplayModel.load(dir, name);
    };
    expect(damaged('cut', `${firstLine}\n${secondLine.slice(0, 40)}\n`)).toThrow(new RegExp(`replay .*cut\\.jsonl, line 2: not a JSON line`));
    expect(damaged('renumbered', `${secondLine}\n`)).toThrow(/renumbered\.jsonl, line 1: field "seq" is 2, expected 1/);
    const withoutMessages = JSON.parse(firstLine);
    delete withoutMessages.request.messages;
    expect(damaged('incomplete', `${JSON.stringify(withoutMessages)}\n`)).toThrow(/incomplete\.jsonl, line 1: field "request\.messages"/);
    const both = { ...JSON.parse(firstLine), error: { kind: 'server', message: 'x', retryable: true, status: 500 } };
    expect(damaged('both', `${JSON.stringify(both)}\n`)).toThrow(/both\.jsonl, line 1: needs exactly one of "response" and "error"/);
    expect(() => recordedAgents(join(dir, 'nowhere'))).toThrow(ReplayFileError);
  });
});
