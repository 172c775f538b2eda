// runs/<id>/index.html: one run, readable in a browser without a mail client. Its result, its models, the
// corrections found (with links to the mail that asked for them), and every message of the run in order,
// taken from its mbox (the relay's log of submissions for e-mail, the hand-off transcript otherwise), plus
// links to every mailbox's mbox, the grading output, the commits tested and the log.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser, type AddressObject } from 'mailparser';
import type { RunResult } from './run-evaluation.ts';
import { escapeHtml } from './report-charts.ts';
import { STYLE } from './report-html.ts';

/** Splits an mboxrd file (run-record.ts writeMbox) back into messages. */
export function readMbox(text: string): Buffer[] {
  return text
    .split(/^From mailswarm .*\n/m)
    .filter((part) => part !== '')
    .map((part) => Buffer.from(part.replace(/\n$/, '').replace(/^>(>*From )/gm, '$1'), 'utf8'));
}

export async function writeRunPage(runDir: string, result: RunResult): Promise<void> {
  const mailDir = path.join(runDir, 'mail');
  const timeline = ['all-submitted.mbox', 'transcript.mbox'].map((name) => path.join(mailDir, name)).find((file) => existsSync(file));
  const messages = timeline ? await Promise.all(readMbox(readFileSync(timeline, 'utf8')).map((raw) => simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true }))) : [];
  const anchors = new Map(messages.map((message, index) => [message.messageId ?? '', `m${index + 1}`]));
  const linkTo = (messageId: string | undefined) => (messageId && anchors.has(messageId) ? `<a href="#${anchors.get(messageId)}">${escapeHtml(messageId)}</a>` : escapeHtml(messageId ?? '–'));
  const corrections = result.corrections.map(
    (correction) =>
      `<li>${correction.kind === 'peer' ? '<strong>peer</strong>' : 'self'} correction, ${correction.prompted ? `prompted by ${linkTo(correction.promptedBy)}` : 'unprompted'}: ` +
      `${escapeHtml(correction.fixedBy)} fixed ${escapeHtml(correction.tests.join(', '))}, broken by ${escapeHtml(correction.introducedBy)} in ${linkTo(correction.introducedInMessage)} (commit ${escapeHtml(correction.introducedAt)}); ` +
      `fixed in ${correction.fixedInMessages.map((id) => linkTo(id)).join(', ') || escapeHtml(correction.fixedAt.join(', '))}</li>`,
  );
  const mailFiles = existsSync(mailDir) ? listFiles(mailDir).map((file) => `<li><a href="mail/${file.split(path.sep).map(encodeURIComponent).join('/')}">mail/${escapeHtml(file)}</a></li>`) : [];
  const messageBlocks = messages.map((message, index) => {
    const header = [
      `From: ${addresses(message.from)}`,
      `To: ${addresses(message.to)}`,
      ...(message.cc ? [`Cc: ${addresses(message.cc)}`] : []),
      `Subject: ${message.subject ?? ''}`,
      `Message-ID: ${message.messageId ?? ''}`,
      ...(message.inReplyTo ? [`In-Reply-To: ${message.inReplyTo}`] : []),
      ...(message.headers.get('x-mailswarm-model') ? [`X-Mailswarm-Model: ${String(message.headers.get('x-mailswarm-model'))}`] : []),
    ].join('\n');
    return `<section class="message" id="m${index + 1}"><h3>${index + 1}. ${escapeHtml(message.subject ?? '(no subject)')}</h3><pre>${escapeHtml(header)}\n\n${escapeHtml(message.text ?? '')}</pre></section>`;
  });
  const models = Object.entries(result.models).map(([agent, model]) => `<li>${escapeHtml(agent)}: <code>${escapeHtml(model.model)}</code> (${escapeHtml(model.vendor)})${model.note ? ` — ${escapeHtml(model.note)}` : ''}</li>`);
  const page = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${escapeHtml(result.id)}</title><style>${STYLE}</style></head>
<body>
<p><a href="../../report.html">← report</a></p>
<h1>${escapeHtml(result.id)}</h1>
<table>
<tr><th>task</th><td>${escapeHtml(result.task)}</td></tr>
<tr><th>condition</th><td>${escapeHtml(result.condition)}</td></tr>
<tr><th>outcome</th><td>${result.solved ? 'solved' : 'not solved'} (ended: ${escapeHtml(result.end)}${result.error ? `: ${escapeHtml(result.error)}` : ''})</td></tr>
<tr><th>visible tests at upstream's end</th><td>${result.visibleTestsPass ? 'pass' : `fail: ${escapeHtml(result.visibleFailing.join(', '))}`}</td></tr>
<tr><th>hidden tests failing</th><td>${escapeHtml(result.hiddenFailing.join(', ') || 'none')}</td></tr>
<tr><th>turns</th><td>${result.turns} (${escapeHtml(Object.entries(result.turnsByAgent).map(([agent, count]) => `${agent} ${count}`).join(', '))})</td></tr>
<tr><th>messages</th><td>${result.messages} delivered, ${result.heldMessages} held${Object.keys(result.guardTrips).length > 0 ? ` (${escapeHtml(Object.entries(result.guardTrips).map(([rule, count]) => `${rule}: ${count}`).join(', '))})` : ''}</td></tr>
<tr><th>tokens</th><td>${result.tokens.input} in, ${result.tokens.output} out; estimated $${result.costUsd.toFixed(4)}</td></tr>
<tr><th>upstream</th><td>${result.upstreamCommits} new commit(s); ${result.patchSeries} patch series mailed</td></tr>
<tr><th>wall time</th><td>${result.wallSeconds} s</td></tr>
</table>
<h2>Models</h2><ul>${models.join('\n')}</ul>
<h2>Corrections</h2>${corrections.length > 0 ? `<ul>${corrections.join('\n')}</ul>` : '<p>None.</p>'}
<h2>Files</h2><ul>${mailFiles.join('\n')}
<li><a href="grading/visible-tests.txt">grading/visible-tests.txt</a>, <a href="grading/hidden-tests.txt">grading/hidden-tests.txt</a> (upstream's last commit)</li>
<li><a href="grading/commits.json">grading/commits.json</a> (every commit tested, with its tests)</li>
<li><a href="log.jsonl">log.jsonl</a>, <a href="run.json">run.json</a>, <a href="result.json">result.json</a>, recording/ (every model call)</li></ul>
<h2>Messages, in order</h2>
${messageBlocks.join('\n') || '<p>No messages.</p>'}
</body>
</html>
`;
  writeFileSync(path.join(runDir, 'index.html'), page);
}

function addresses(field: AddressObject | AddressObject[] | undefined): string {
  if (!field) return '';
  return (Array.isArray(field) ? field : [field]).map((object) => object.text).join(', ');
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((left, right) => left.name.localeCompare(right.name))
    .flatMap((entry) => (entry.isDirectory() ? listFiles(path.join(dir, entry.name), path.join(prefix, entry.name)) : [path.join(prefix, entry.name)]));
}
