import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAgentDefinitions, parseAgentDefinition } from '../../src/swarm/agent-definition.ts';

function agentsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-agentdefs-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('agent definitions', () => {
  it('parses front matter, defaults and the persona body', () => {
    const definition = parseAgentDefinition(
      '---\nname: builder\ndisplayName: Bob the Builder\nmodel: anthropic:claude-sonnet-4-5\nrole: Builds features\nmaxOutputTokens: 1000\n---\n\nYou build things.\n',
      'agents/builder.md',
    );
    expect(definition).toMatchObject({
      name: 'builder',
      displayName: 'Bob the Builder',
      model: 'anthropic:claude-sonnet-4-5',
      role: 'Builds features',
      wake: 'to',
      persona: 'You build things.',
      budgets: { maxOutputTokens: 1000, maxTurnsPerThreadPerDay: 20, maxToolStepsPerTurn: 8 },
    });
  });

  it('accepts grouped budgets', () => {
    const definition = parseAgentDefinition('---\nname: a\nmodel: offline\nrole: r\nbudgets:\n  maxToolStepsPerTurn: 3\n---\n', 'a.md');
    expect(definition.budgets.maxToolStepsPerTurn).toBe(3);
  });

  it('names the file and the field in errors', () => {
    expect(() => parseAgentDefinition('---\nname: builder\nmodel: offline\nrole: x\nwake: sometimes\n---\n', 'agents/builder.md')).toThrow(
      'agents/builder.md: field "wake": expected one of to, to+cc, all',
    );
    expect(() => parseAgentDefinition('---\nname: builder\nrole: x\n---\n', 'agents/builder.md')).toThrow('agents/builder.md: field "model"');
    expect(() => parseAgentDefinition('---\nname: Builder!\nmodel: offline\nrole: x\n---\n', 'agents/b.md')).toThrow('field "name": a lower-case mailbox local part');
    expect(() => parseAgentDefinition('---\nname: b\nmodel: offline\nrole: x\ncolour: red\n---\n', 'agents/b.md')).toThrow('unknown field(s) "colour"');
    expect(() => parseAgentDefinition('no front matter', 'agents/b.md')).toThrow('agents/b.md: missing YAML front matter');
    expect(() => parseAgentDefinition('---\nname: [unclosed\n---\n', 'agents/b.md')).toThrow('agents/b.md: invalid YAML front matter');
  });

  it('loads a directory sorted by file name and rejects duplicate names', () => {
    const dir = agentsDir({
      'b.md': '---\nname: reviewer\nmodel: offline\nrole: Reviews\n---\nReview.',
      'a.md': '---\nname: builder\nmodel: offline\nrole: Builds\nwake: to+cc\n---\nBuild.',
      'notes.txt': 'ignored',
    });
    expect(loadAgentDefinitions(dir).map((definition) => [definition.name, definition.wake])).toEqual([
      ['builder', 'to+cc'],
      ['reviewer', 'to'],
    ]);
    const duplicate = agentsDir({ 'a.md': '---\nname: x\nmodel: offline\nrole: r\n---\n', 'b.md': '---\nname: x\nmodel: offline\nrole: r\n---\n' });
    expect(() => loadAgentDefinitions(duplicate)).toThrow(/b\.md: field "name": "x" is already used by .*a\.md/);
  });
});
