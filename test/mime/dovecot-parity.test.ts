// Compares ENVELOPE, BODYSTRUCTURE, BODY and BODY[section] bytes with Debian's Dovecot for every fixture.
// Skipped when Dovecot is not installed (.ci/run installs it); our unit tests never depend on it.

import nodemailer, { type SendMailOptions } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BodySection, ImapValue } from '../../src/postoffice/imap/protocol/protocol-types.ts';
import { analyzeMessage, extractSection, findPart, type MimePart } from '../../src/postoffice/mime/index.ts';
import { bodyStructureValue, envelopeValue } from '../../src/postoffice/imap/messages/message-structure-values.ts';
import { dovecotInstalled, fetchItem, openDovecotSandbox, type DovecotSandbox, type ResponseValue } from './dovecot-imap.ts';
import * as edgeFixtures from './edge-fixtures.ts';
import * as fixtures from './fixtures.ts';

/** Deliberate differences: Dovecot rewrites bare LF as CRLF in everything it returns. */
const EXCLUDED = new Set(['bareLf']);

const samples = Object.entries({ ...fixtures, ...edgeFixtures }).filter(
  (entry): entry is [string, Buffer] => Buffer.isBuffer(entry[1]) && !EXCLUDED.has(entry[0]),
);

/** Messages as our agents send them: nodemailer with alternatives, inline images, RFC 2231 names, a forward. */
async function nodemailerSamples(): Promise<Array<[string, Buffer]>> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const build = async (options: SendMailOptions): Promise<Buffer> => (await transport.sendMail(options)).message as Buffer;
  const inner = await build({ from: 'Inner Ünïcode <inner@example.com>', to: 'x@example.com', subject: 'Inner ✓', text: 'inner text\n', html: '<p>inner</p>' });
  return [
    [
      'nodemailer text',
      await build({
        from: '"Agent, Smith" <agent@swarm.test>',
        to: ['a@swarm.test', 'Bé <b@swarm.test>'],
        cc: 'Team: c@swarm.test;',
        subject: 'Ünïcödé subject long enough to need folding because it keeps going on and on and on ✓',
        text: 'Hello ✓\nLine two with a long line '.repeat(20),
        inReplyTo: '<p@swarm.test>',
        references: ['<p@swarm.test>'],
      }),
    ],
    [
      'nodemailer attachments',
      await build({
        from: 'a@swarm.test',
        to: 'b@swarm.test',
        subject: 'attachments',
        text: 'plain ✓',
        html: '<p>html <img src="cid:logo@x"></p>',
        attachments: [
          { filename: 'logo.png', content: Buffer.alloc(300, 7), cid: 'logo@x' },
          { filename: 'Résumé très long nom de fichier avec des accents éèà et plus encore.pdf', content: Buffer.alloc(1000, 1) },
          { filename: 'notes.txt', content: 'some notes ✓\n' },
          { filename: 'fwd.eml', content: inner, contentType: 'message/rfc822' },
        ],
      }),
    ],
  ];
}

/** Our value in the shape the response parser yields; strings lower-cased since case of type names, encodings
 *  and NIL-vs-atom spelling may differ without meaning anything (Dovecot writes "7bit", we write "7BIT"). */
function canonical(value: ImapValue | ResponseValue | undefined): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((item) => canonical(item));
  if (Buffer.isBuffer(value)) return value.toString('utf8').toLowerCase();
  if (typeof value === 'object') return 'atom' in value ? value.atom.toLowerCase() : value.literal8.toString('utf8').toLowerCase();
  if (typeof value === 'string') return value.toLowerCase();
  return Number(value);
}

/** Part paths of a message: every existing path down to depth 4 plus the first missing number at each level. */
function partPaths(tree: MimePart): number[][] {
  const paths: number[][] = [];
  const walk = (prefix: number[]): void => {
    for (let number = 1; ; number++) {
      const path = [...prefix, number];
      paths.push(path);
      if (!findPart(tree, path)) return;
      if (path.length < 4) walk(path);
    }
  };
  walk([]);
  return paths;
}

function sectionLabel(section: BodySection): string {
  const parts = section.part.join('.');
  if (section.specifier === null) return parts;
  const specifier = section.specifier.startsWith('HEADER.FIELDS')
    ? `${section.specifier} (${section.fields!.join(' ')})`
    : section.specifier;
  return parts ? `${parts}.${specifier}` : specifier;
}

const dovecot = dovecotInstalled();

describe.skipIf(!dovecot)('parity with Dovecot', () => {
  let sandbox: DovecotSandbox;
  const generated: Array<[string, Buffer]> = [];
  beforeAll(async () => {
    sandbox = await openDovecotSandbox();
    generated.push(...(await nodemailerSamples()));
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it.each(samples)('%s', async (_name, raw) => {
    await expectSameAsDovecot(sandbox, raw);
  });

  it('matches for messages built by nodemailer', async () => {
    for (const [, raw] of generated) await expectSameAsDovecot(sandbox, raw);
  });
});

async function expectSameAsDovecot(sandbox: DovecotSandbox, raw: Buffer): Promise<void> {
  const analysis = analyzeMessage(raw);
  const sections: BodySection[] = [
    { part: [], specifier: null },
    { part: [], specifier: 'HEADER' },
    { part: [], specifier: 'TEXT' },
    { part: [], specifier: 'HEADER.FIELDS', fields: ['SUBJECT', 'FROM', 'X-NONE'] },
    { part: [], specifier: 'HEADER.FIELDS.NOT', fields: ['SUBJECT', 'TO'] },
  ];
  for (const part of partPaths(analysis.tree)) {
    sections.push({ part, specifier: null }, { part, specifier: 'MIME' });
    if (findPart(analysis.tree, part)?.embedded) sections.push({ part, specifier: 'HEADER' }, { part, specifier: 'TEXT' });
  }
  const items = ['RFC822.SIZE', 'ENVELOPE', 'BODYSTRUCTURE', 'BODY', ...sections.map((section) => `BODY.PEEK[${sectionLabel(section)}]`)];
  const output = await sandbox.fetch(raw, [`FETCH 1 (${items.join(' ')})`]);
  expect(output.toString('latin1')).toContain('c0 OK');

  expect(fetchItem(output, 'RFC822.SIZE')).toBe(raw.length);
  expect(canonical(fetchItem(output, 'ENVELOPE'))).toEqual(canonical(envelopeValue(analysis.envelope)));
  expect(canonical(fetchItem(output, 'BODYSTRUCTURE'))).toEqual(canonical(bodyStructureValue(analysis.bodyStructure, true)));
  expect(canonical(fetchItem(output, 'BODY'))).toEqual(canonical(bodyStructureValue(analysis.bodyStructure, false)));
  for (const section of sections) {
    const theirs = fetchItem(output, `BODY[${sectionLabel(section)}]`) ?? '';
    const ours = extractSection(raw, analysis.tree, section)?.toString('utf8') ?? '';
    expect({ section: sectionLabel(section), bytes: ours }).toEqual({ section: sectionLabel(section), bytes: theirs });
  }
}
