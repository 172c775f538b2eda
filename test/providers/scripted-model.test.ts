// The scripted model (`scripted:<path>`), driven through the LanguageModel interface with turn messages made
// by renderTurn: which turn plays (subject/from/body/addressed, order, times), step by step with templates
// filled from the mail and earlier tool results, what happens without a match, and how bad files are refused.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createModel } from '../../src/providers/create-model.ts';
import { ModelSpecError, parseModelSpec } from '../../src/providers/model-spec.ts';
import { ModelError, type ChatMessage, type LanguageModel, type ModelResponse, type ToolCall, type ToolDefinition } from '../../src/providers/model.ts';
import { renderTurn, type TurnMailView } from '../../src/providers/offline/turn-format.ts';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'scripted');
const self = { name: 'reviewer', address: 'reviewer@swarm.test', role: 'reviews patches' };
const standardTools = ['reply', 'send', 'no_reply', 'run_tests'];

const temporaryDirs: string[] = [];
afterEach(() => {
  for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tools(names: string[]): ToolDefinition[] {
  return names.map((name) => ({ name, description: `the ${name} tool`, parameters: z.object({}) }));
}

let mailCounter = 0;
function mail(fields: Partial<TurnMailView>): TurnMailView {
  mailCounter += 1;
  return {
    messageId: `<m${mailCounter}@swarm.test>`,
    status: 'new',
    addressedAs: 'to',
    from: 'Bob Builder <builder@swarm.test>',
    to: ['reviewer@swarm.test'],
    cc: [],
    date: 'Tue, 03 Mar 2026 10:00:00 +0000',
    subject: 'hello',
    autoSubmitted: undefined,
    agent: undefined,
    attachments: [],
    body: 'hi',
    ...fields,
  };
}

function turnMessage(mails: TurnMailView[], subject = mails[0]?.subject ?? 'thread'): string {
  return renderTurn({
    self,
    directory: [{ kind: 'agent', name: 'builder', address: 'builder@swarm.test' }],
    subject,
    messages: mails,
  });
}

/** Writes `yaml` to a fresh folder and builds the model the way `mailswarm up` does. */
function scriptedModel(yaml: string, fileName = 'turns.yaml'): LanguageModel {
  const dir = mkdtempSync(join(tmpdir(), 'mailswarm-scripted-'));
  temporaryDirs.push(dir);
  writeFileSync(join(dir, fileName), yaml);
  return createModel(`scripted:${fileName}`, { baseDir: dir, allowOfflineFallback: false }).model;
}

/** Plays one mailswarm turn like the runtime's turn loop, answering each tool call with `resultFor`. */
async function playTurn(
  model: LanguageModel,
  userMessage: string,
  options: { tools?: string[]; resultFor?: (call: ToolCall) => string } = {},
): Promise<{ responses: ModelResponse[]; calls: ToolCall[] }> {
  const messages: ChatMessage[] = [{ role: 'user', content: userMessage }];
  const responses: ModelResponse[] = [];
  for (let step = 0; step < 10; step++) {
    const response = await model.generate({ system: 'You are the reviewer.', messages: [...messages], tools: tools(options.tools ?? standardTools) });
    responses.push(response);
    messages.push(response.message);
    if (response.toolCalls.length === 0) break;
    messages.push({
      role: 'tool',
      results: response.toolCalls.map((call) => ({ callId: call.id, name: call.name, content: options.resultFor?.(call) ?? `${call.name} done` })),
    });
  }
  return { responses, calls: responses.flatMap((response) => response.toolCalls) };
}

const whoAmI = (name: string) => `- name: ${name}\n    steps:\n      - - send: {body: "${name} on {{mail.message_id}}"}\n`;

describe('choosing a turn', () => {
  it('matches subject, sender, body and how the agent was addressed, case-insensitively', async () => {
    const model = scriptedModel(`turns:
  - name: patch from builder
    when: {subject: "[patch", from: BUILDER, body: "TESTS FAIL", addressed: to}
    times: 5
    steps: [[send: {body: "patch turn"}]]
  - name: copied mail from the full address
    when: {from: carol@other.test, addressed: cc}
    times: 5
    steps: [[send: {body: "cc turn"}]]
  - name: anything else
    times: 5
    steps: [[send: {body: "fallback turn"}]]
`);
    const bodyOf = async (mails: TurnMailView[]) => (await playTurn(model, turnMessage(mails))).calls[0]?.arguments.body;
    expect(await bodyOf([mail({ subject: '[PATCH 1/2] fix', body: 'The tests fail here.' })])).toBe('patch turn');
    // Each condition on its own makes the first turn miss.
    expect(await bodyOf([mail({ subject: 'fix', body: 'The tests fail here.' })])).toBe('fallback turn');
    expect(await bodyOf([mail({ subject: '[PATCH] fix', body: 'all green' })])).toBe('fallback turn');
    expect(await bodyOf([mail({ subject: '[PATCH] fix', body: 'tests fail', from: 'builder@elsewhere.test' })])).toBe('patch turn');
    expect(await bodyOf([mail({ subject: '[PATCH] fix', body: 'tests fail', from: 'builder2@swarm.test' })])).toBe('fallback turn');
    expect(await bodyOf([mail({ subject: '[PATCH] fix', body: 'tests fail', addressedAs: 'cc' })])).toBe('fallback turn');
    expect(await bodyOf([mail({ from: 'Carol <Carol@Other.test>', addressedAs: 'cc' })])).toBe('cc turn');
    expect(await bodyOf([mail({ from: 'Carol <carol@other.test>', addressedAs: 'to' })])).toBe('fallback turn');
  });

  it('takes the newest new mail that satisfies the conditions as `mail`, never an earlier one', async () => {
    const model = scriptedModel(`turns:\n  - name: urgent\n    when: {subject: urgent}\n    times: 9\n    steps: [[send: {body: "{{mail.message_id}}"}]]\n`);
    const old = mail({ subject: 'urgent old', status: 'earlier' });
    const first = mail({ subject: 'urgent one' });
    const second = mail({ subject: 'urgent two' });
    const other = mail({ subject: 'chatter' });
    expect((await playTurn(model, turnMessage([old, first, second, other]))).calls[0]?.arguments.body).toBe(second.messageId);
    const onlyEarlier = await playTurn(model, turnMessage([old, mail({ subject: 'chatter' })]));
    expect(onlyEarlier.calls[0]?.name).toBe('no_reply');
  });

  it('plays each turn at most `times` times, then falls through; a retried turn is not counted twice', async () => {
    const model = scriptedModel(`turns:\n  ${whoAmI('twice').replace('steps', 'times: 2\n    steps')}  ${whoAmI('once')}`);
    const names: unknown[] = [];
    for (let turn = 0; turn < 4; turn++) {
      const { calls } = await playTurn(model, turnMessage([mail({})]));
      names.push(calls[0]?.name === 'no_reply' ? 'no_reply' : String(calls[0]?.arguments.body).split(' ')[0]);
    }
    expect(names).toEqual(['twice', 'twice', 'once', 'no_reply']);

    const fresh = scriptedModel(`turns:\n  ${whoAmI('once')}`);
    const message = turnMessage([mail({})]);
    const first = await playTurn(fresh, message);
    const retried = await playTurn(fresh, message);
    expect(retried.calls).toEqual(first.calls);
    expect(first.calls[0]?.name).toBe('send');
  });
});

describe('playing a turn', () => {
  it('answers one step per call, filling templates from the mail and the latest result of earlier tools', async () => {
    const model = createModel('scripted:reviewer.yaml', { baseDir: fixtures, allowOfflineFallback: false }).model;
    const patch = mail({ subject: '[PATCH] parser: handle CRLF', body: 'Please review; the tests fail on main.' });
    const { responses } = await playTurn(model, turnMessage([patch]), { resultFor: (call) => (call.name === 'run_tests' ? '2 failed, 40 passed' : 'sent') });
    expect(responses.map((response) => response.stopReason)).toEqual(['tool_use', 'tool_use', 'end']);
    expect(responses[0]?.toolCalls).toEqual([{ id: 'scripted-1-1', name: 'run_tests', arguments: {} }]);
    expect(responses[1]?.toolCalls).toEqual([
      { id: 'scripted-2-1', name: 'reply', arguments: { body: 'Tests fail on [PATCH] parser: handle CRLF:\n2 failed, 40 passed\n', to: ['builder'] } },
    ]);
    expect(responses[2]?.text).toBe('Reviewed.');
    expect(responses[1]?.message).toEqual({ role: 'assistant', text: '', toolCalls: responses[1]?.toolCalls });
    for (const response of responses) expect(response.usage.inputTokens).toBeGreaterThan(0);
  });

  it('fills every template variable, in nested arguments and the final text', async () => {
    const model = scriptedModel(`turns:
  - name: everything
    steps:
      - - send:
            to: ["{{mail.from}}"]
            subject: "Re: {{thread.subject}}"
            body: "{{mail.message_id}}|{{mail.subject}}|{{mail.from}}|{{mail.from_name}}|{{mail.body}}|{{thread.subject}}|{{thread.first_message_id}}|{{self.name}}|{{self.address}}"
      - - send: {body: "first said {{ result.send }}"}
        - send: {body: "again"}
    text: "{{self.name}} done after {{result.send}}"
`);
    const earlier = mail({ status: 'earlier', subject: 'plan' });
    const latest = mail({ subject: 'Re: plan', body: 'line one\nline two', from: '"Bob B." <Bob@Swarm.test>' });
    let sent = 0;
    const { responses } = await playTurn(model, turnMessage([earlier, latest], 'plan'), { resultFor: () => `sent #${++sent}` });
    expect(responses[0]?.toolCalls[0]?.arguments).toEqual({
      to: ['Bob@Swarm.test'],
      subject: 'Re: plan',
      body: `${latest.messageId}|Re: plan|Bob@Swarm.test|Bob B.|line one\nline two|plan|${earlier.messageId}|reviewer|reviewer@swarm.test`,
    });
    expect(responses[1]?.toolCalls.map((call) => call.arguments.body)).toEqual(['first said sent #1', 'again']);
    // The most recent result of `send` is the second call of step 2.
    expect(responses[2]?.text).toBe('reviewer done after sent #3');
  });

  it('without a match calls no_reply with a reason naming the file, or says so in text when no_reply is not offered', async () => {
    const model = scriptedModel(`turns:\n  - name: only patches\n    when: {subject: PATCH}\n    text: never\n`, 'only-patches.yaml');
    const { responses } = await playTurn(model, turnMessage([mail({ subject: 'lunch?' })]));
    expect(responses[0]?.toolCalls).toHaveLength(1);
    expect(responses[0]?.toolCalls[0]?.name).toBe('no_reply');
    expect(responses[0]?.toolCalls[0]?.arguments.reason).toMatch(/^scripted: no turn of \/.*only-patches\.yaml matches$/);
    expect(responses.at(-1)?.stopReason).toBe('end');

    const withoutNoReply = await playTurn(model, turnMessage([mail({ subject: 'dinner?' })]), { tools: ['reply'] });
    expect(withoutNoReply.responses).toHaveLength(1);
    expect(withoutNoReply.responses[0]?.text).toMatch(/scripted: no turn of .*only-patches\.yaml matches/);
  });

  it('refuses a step whose tool the agent does not have, naming the turn', async () => {
    const model = scriptedModel(`turns:\n  - name: test it\n    steps: [[run_tests: {}]]\n`);
    const failure = playTurn(model, turnMessage([mail({})]), { tools: ['reply', 'no_reply'] });
    await expect(failure).rejects.toBeInstanceOf(ModelError);
    await expect(failure).rejects.toMatchObject({ kind: 'bad_request', retryable: false });
    await expect(failure).rejects.toThrow(/scripted turn "test it" of .*turns\.yaml, step 1: calls tool "run_tests", which this agent does not have \(available: no_reply, reply\)/);
  });

  it('answers a message that is not a mailswarm turn with a final text', async () => {
    const model = scriptedModel(`turns:\n  - name: any\n    text: hello\n`);
    const response = await model.generate({ system: '', messages: [{ role: 'user', content: 'hello there' }], tools: tools(standardTools) });
    expect(response.toolCalls).toEqual([]);
    expect(response.text).toMatch(/not a mailswarm turn/);
  });
});

describe('the spec and createModel', () => {
  it('parses scripted:<path> and refuses an empty path', () => {
    expect(parseModelSpec('scripted:turns/builder.yaml')).toEqual({ vendor: 'scripted', model: 'turns/builder.yaml' });
    expect(() => parseModelSpec('scripted:')).toThrow(/path of the YAML file after "scripted:" is empty/);
  });

  it('resolves the path against baseDir and keeps the spec as the id, with no key and no fallback', () => {
    const { model, fellBackToOffline } = createModel('scripted:reviewer.yaml', { baseDir: fixtures, env: {}, allowOfflineFallback: false });
    expect(model.id).toBe('scripted:reviewer.yaml');
    expect(model.vendor).toBe('scripted');
    expect(fellBackToOffline).toBe(false);
    expect(() => createModel('scripted:reviewer.yaml', { baseDir: tmpdir(), allowOfflineFallback: false })).toThrow(ModelSpecError);
  });
});

describe('bad files', () => {
  function loadError(yaml: string | undefined): ModelSpecError {
    const dir = mkdtempSync(join(tmpdir(), 'mailswarm-scripted-'));
    temporaryDirs.push(dir);
    if (yaml !== undefined) writeFileSync(join(dir, 'bad.yaml'), yaml);
    try {
      createModel('scripted:bad.yaml', { baseDir: dir, allowOfflineFallback: false });
    } catch (error) {
      expect(error).toBeInstanceOf(ModelSpecError);
      expect((error as Error).message).toContain('invalid model "scripted:bad.yaml"');
      expect((error as Error).message).toContain(join(dir, 'bad.yaml'));
      return error as ModelSpecError;
    }
    throw new Error('the file was accepted');
  }

  it.each([
    ['a missing file', undefined, /the scripted model file does not exist/],
    ['bad YAML', 'turns:\n  - name: x\n   text: [unclosed\n', /invalid YAML/],
    ['no turns', 'turns: []\n', /field "turns": needs at least one turn/],
    ['not a mapping', '- name: x\n', /must be a YAML mapping with a "turns:" list/],
    ['an unknown field of a turn', 'turns:\n  - name: greet\n    text: hi\n    wen: {subject: x}\n', /turn 1 \("greet"\): unknown field\(s\) "wen"/],
    ['an unknown field of when', 'turns:\n  - name: greet\n    text: hi\n    when: {subjet: x}\n', /turn 1 \("greet"\), field "when": unknown field\(s\) "subjet"/],
    ['a bad addressed value', 'turns:\n  - name: greet\n    text: hi\n    when: {addressed: bcc}\n', /turn 1 \("greet"\), field "when.addressed": expected one of to, cc, any/],
    ['a turn without a name', 'turns:\n  - text: hi\n', /turn 1, field "name": is required/],
    ['zero times', 'turns:\n  - name: greet\n    text: hi\n    times: 0\n', /turn 1 \("greet"\), field "times"/],
    ['a turn without steps or text', 'turns:\n  - name: idle\n', /turn 1 \("idle"\): needs "steps", "text" or both/],
    [
      'an unknown template variable',
      'turns:\n  - name: greet\n    steps:\n      - - reply: {body: "hi {{mail.sender}}"}\n',
      /turn 1 \("greet"\), field "steps", step 1, argument "reply.body": unknown template variable \{\{mail.sender\}\}/,
    ],
    [
      'a result of a tool no earlier step calls',
      'turns:\n  - name: greet\n    steps:\n      - - reply: {body: "{{result.run_tests}}"}\n        - run_tests: {}\n',
      /step 1, argument "reply.body": \{\{result.run_tests\}\} names tool "run_tests", which no earlier step of this turn calls/,
    ],
    ['an unclosed template', 'turns:\n  - name: greet\n    text: "hi {{self.name"\n', /field "text": "\{\{" at character 4 has no closing "\}\}"/],
    [
      'a step that is a map of two tools',
      'turns:\n  - name: greet\n    steps:\n      - run_tests: {}\n        reply: {body: hi}\n',
      /turn 1 \("greet"\), field "steps", step 1: expected a list of tool calls, each a map with one key \(the tool name\).*got a map with keys run_tests, reply/,
    ],
    [
      'a call that is not a single-key map',
      'turns:\n  - name: greet\n    steps:\n      - - reply: {body: hi}\n          cc: [x]\n',
      /step 1, call 1: a tool call must be a map with exactly one key, the tool name.*got a map with keys reply, cc/,
    ],
    ['a call that is a string', 'turns:\n  - name: greet\n    steps:\n      - - reply\n', /step 1, call 1: a tool call must be a map.*got string "reply"/],
    ['arguments that are not a map', 'turns:\n  - name: greet\n    steps:\n      - - reply: hello\n', /step 1, call 1: the arguments of "reply" must be a map/],
  ])('refuses %s, naming the file and the field', (_case, yaml, problem) => {
    expect(loadError(yaml).message).toMatch(problem);
  });

  it('accepts `{{result.<tool>}}` of a tool an earlier step calls, and a one-call step written as a map', () => {
    const yaml = 'turns:\n  - name: test\n    steps:\n      - run_tests:\n      - - reply: {body: "{{result.run_tests}}"}\n';
    expect(() => scriptedModel(yaml)).not.toThrow();
  });
});

describe('scripted model: thread_has and find', () => {
  const yaml = `
turns:
  - name: apply once reviewed and tested
    when: { subject: "[PATCH v2", thread_has: ["Reviewed-by:", "Tested-by:"] }
    find: { subject: "[PATCH v2", from: builder }
    steps:
      - - reply: { body: "applying {{found.message_id}} ({{found.subject}}) from {{found.from}}" }
`;

  it('plays only when every thread_has text is somewhere in the thread, and binds found to the newest match', async () => {
    const model = scriptedModel(yaml);
    const patch = mail({ subject: '[PATCH v2] fix', status: 'earlier', body: 'the diff' });
    const review = mail({ subject: 'Re: [PATCH v2] fix', from: 'Rita <reviewer2@swarm.test>', body: 'Reviewed-by: Rita <reviewer2@swarm.test>' });
    const withoutTest = await playTurn(model, turnMessage([patch, review]));
    expect(withoutTest.calls.map((call) => call.name)).toEqual(['no_reply']);

    const tested = mail({ subject: 'Re: [PATCH v2] fix', from: 'Tess <tester@swarm.test>', body: 'Tested-by: Tess <tester@swarm.test>' });
    const played = await playTurn(model, turnMessage([patch, { ...review, status: 'earlier' }, tested]));
    expect(played.calls).toHaveLength(1);
    expect(played.calls[0]!.arguments).toEqual({ body: `applying ${patch.messageId} ([PATCH v2] fix) from builder@swarm.test` });
  });

  it('does not play when find matches nothing', async () => {
    const model = scriptedModel(yaml);
    const review = mail({ subject: 'Re: [PATCH v2] fix', from: 'Rita <reviewer2@swarm.test>', body: 'Reviewed-by: R <r@x>\nTested-by: T <t@x>' });
    expect((await playTurn(model, turnMessage([review]))).calls.map((call) => call.name)).toEqual(['no_reply']);
  });

  it('refuses found.* in a turn without find', () => {
    expect(() => scriptedModel('turns:\n  - name: t\n    steps:\n      - - reply: { body: "{{found.message_id}}" }\n')).toThrow(/needs a "find:"/);
  });
});
