// report.html: one self-contained page (inline CSS and SVG, no script, nothing fetched) over results.json.
// Per condition: solve rate and peer-correction rates with 95% intervals, corrections, tokens and cost per
// run and per solved task; a chart of each; every pairwise comparison in words; the per-task table; and the
// list of runs per condition, each linking to its run page (runs/<id>/index.html: its mail, readable in the
// browser, and the mbox files). Every number links to the runs behind it.
import type { ConditionSummary, ExperimentResults } from './experiment-results.ts';
import { escapeHtml, intervalChart, type ChartRow } from './report-charts.ts';
import type { RateInterval, ValueInterval } from './statistics.ts';

export function renderReport(results: ExperimentResults): string {
  const deterministicRuns = results.runs.filter((run) => Object.values(run.models).some((model) => ['scripted', 'offline'].includes(model.vendor))).length;
  const body = [
    `<h1>mailswarm experiment: ${escapeHtml(results.suite.name)}</h1>`,
    `<p class="lead">${escapeHtml(results.suite.description ?? '')}</p>`,
    `<p>${results.runs.length} runs: ${results.tasks.length} tasks × ${results.conditions.length} conditions (${results.conditions.map((condition) => `<code>${condition}</code>`).join(', ')}) × ${results.repeats} repeat(s). Suite: <code>${escapeHtml(results.suite.path)}</code>.</p>`,
    deterministicRuns > 0
      ? `<p class="warning">${deterministicRuns} of ${results.runs.length} runs had agents played by scripted or offline models. Their outcomes were written into their scripts: they show that the instrument measures what it should, not how real models behave.</p>`
      : '',
    '<h2>Per condition</h2>',
    summaryTable(results.summaries),
    '<h2>Charts</h2>',
    '<div class="charts">',
    intervalChart({ id: 'chart-solved', title: 'Solve rate (hidden tests pass), 95% Wilson interval', max: 1, format: percentText, rows: results.summaries.map((summary) => rateRow(summary, summary.solved)) }),
    intervalChart({ id: 'chart-peer', title: 'Runs with a peer correction, 95% Wilson interval', max: 1, format: percentText, rows: results.summaries.map((summary) => rateRow(summary, summary.peerCorrected)) }),
    intervalChart({ id: 'chart-unprompted', title: 'Runs with an unprompted peer correction, 95% Wilson interval', max: 1, format: percentText, rows: results.summaries.map((summary) => rateRow(summary, summary.unpromptedPeerCorrected)) }),
    intervalChart({ id: 'chart-tokens', title: 'Tokens per solved task, 95% bootstrap interval', format: (value) => compact(value), rows: results.summaries.map((summary) => valueRow(summary, summary.tokensPerSolved, (value) => `${compact(value)} tokens`)) }),
    intervalChart({ id: 'chart-cost', title: 'Estimated cost per solved task (USD), 95% bootstrap interval', format: dollars, rows: results.summaries.map((summary) => valueRow(summary, summary.costPerSolved, dollars)) }),
    '</div>',
    '<h2>Differences between conditions</h2>',
    `<ul class="comparisons">${results.comparisons.map((comparison) => `<li class="${comparison.distinguishable ? 'distinguishable' : ''}" data-metric="${escapeHtml(comparison.metric)}">${escapeHtml(comparison.sentence)}</li>`).join('\n')}</ul>`,
    '<h2>Per task</h2>',
    taskTable(results),
    '<h2>Runs</h2>',
    ...results.summaries.map((summary) => runList(results, summary)),
    '<h2>Method</h2>',
    `<ul>${results.method.map((note) => `<li>${escapeHtml(note)}</li>`).join('\n')}</ul>`,
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>mailswarm experiment: ${escapeHtml(results.suite.name)}</title>
<style>${STYLE}</style>
</head>
<body>
${body.filter((part) => part !== '').join('\n')}
</body>
</html>
`;
}

function summaryTable(summaries: ConditionSummary[]): string {
  const header = ['condition', 'runs', 'solved', 'runs with a peer correction', 'unprompted', 'peer corrections / run', 'self corrections / run', 'tokens / run', 'tokens / solved task', 'cost / solved task', 'held mail', 'errors, timeouts'];
  const rows = summaries.map((summary) => {
    const link = (text: string) => `<a href="#runs-${summary.condition}">${text}</a>`;
    return `<tr data-condition="${summary.condition}">${[
      `<th scope="row">${summary.condition}</th>`,
      link(String(summary.runs)),
      link(rateText(summary.solved)),
      link(rateText(summary.peerCorrected)),
      link(rateText(summary.unpromptedPeerCorrected)),
      link(valueText(summary.peerCorrectionsPerRun, (value) => value.toFixed(2))),
      link(valueText(summary.selfCorrectionsPerRun, (value) => value.toFixed(2))),
      link(valueText(summary.tokensPerRun, compact)),
      link(valueText(summary.tokensPerSolved, compact)),
      link(valueText(summary.costPerSolved, dollars)),
      link(`${summary.heldMessages}${Object.keys(summary.guardTrips).length > 0 ? ` (${Object.entries(summary.guardTrips).map(([rule, count]) => `${rule}: ${count}`).join(', ')})` : ''}`),
      link(`${summary.errors}, ${summary.timeouts}`),
    ]
      .map((cell, index) => (index === 0 ? cell : `<td>${cell}</td>`))
      .join('')}</tr>`;
  });
  return `<table class="summary"><thead><tr>${header.map((cell) => `<th scope="col">${cell}</th>`).join('')}</tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function taskTable(results: ExperimentResults): string {
  const header = `<tr><th scope="col">task</th><th scope="col">kind</th><th scope="col">language</th>${results.conditions.map((condition) => `<th scope="col">${condition}</th>`).join('')}</tr>`;
  const rows = results.tasks.map((task) => {
    const cells = results.conditions.map((condition) => {
      const cell = task.cells[condition];
      if (!cell || cell.runs === 0) return '<td>–</td>';
      const runs = cell.runIds.map((id, index) => `<a href="runs/${encodeURIComponent(id)}/index.html" title="${escapeHtml(id)}">${cell.runIds.length === 1 ? `${cell.solved}/${cell.runs} solved` : `#${index + 1}`}</a>`).join(' ');
      const corrections = cell.peerCorrections > 0 ? ` <span class="peer">${cell.peerCorrections} peer (${cell.unprompted} unprompted)</span>` : '';
      const solved = cell.runIds.length === 1 ? '' : `${cell.solved}/${cell.runs} solved: `;
      return `<td class="${cell.solved === cell.runs ? 'all-solved' : cell.solved === 0 ? 'none-solved' : 'some-solved'}">${solved}${runs}${corrections}</td>`;
    });
    return `<tr data-task="${escapeHtml(task.task)}"><th scope="row" title="${escapeHtml(task.title)}">${escapeHtml(task.task)}</th><td>${escapeHtml(task.kind ?? '')}</td><td>${escapeHtml(task.language ?? '')}</td>${cells.join('')}</tr>`;
  });
  return `<table class="tasks"><thead>${header}</thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function runList(results: ExperimentResults, summary: ConditionSummary): string {
  const runs = results.runs.filter((run) => run.condition === summary.condition);
  const rows = runs.map((run) => {
    const corrections = run.peerCorrections;
    return `<tr><td><a href="runs/${encodeURIComponent(run.id)}/index.html">${escapeHtml(run.id)}</a></td><td>${run.solved ? 'solved' : 'not solved'}</td><td>${escapeHtml(run.end)}${run.error ? `: ${escapeHtml(run.error)}` : ''}</td><td>${run.turns}</td><td>${run.messages}</td><td>${run.tokens.input + run.tokens.output}</td><td>${dollars(run.costUsd)}</td><td>${corrections.peer} (${corrections.peerUnprompted} unprompted)</td><td>${corrections.self}</td><td>${run.heldMessages}</td><td>${run.wallSeconds}</td></tr>`;
  });
  return `<h3 id="runs-${summary.condition}">${summary.condition}</h3>
<table class="runs"><thead><tr><th>run</th><th>outcome</th><th>ended</th><th>turns</th><th>messages</th><th>tokens</th><th>cost</th><th>peer corrections</th><th>self corrections</th><th>held</th><th>seconds</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function rateRow(summary: ConditionSummary, rate: RateInterval): ChartRow {
  return { label: summary.condition, value: rate.rate, low: rate.low, high: rate.high, text: rateText(rate), href: `#runs-${summary.condition}` };
}

function valueRow(summary: ConditionSummary, value: ValueInterval, format: (value: number) => string): ChartRow {
  return { label: summary.condition, value: value.estimate, low: value.low, high: value.high, text: value.estimate === null ? 'nothing solved' : format(value.estimate), href: `#runs-${summary.condition}` };
}

function rateText(rate: RateInterval): string {
  if (rate.rate === null) return 'no runs';
  return `${rate.successes} of ${rate.trials} (${percentText(rate.rate)}; ${percentText(rate.low ?? 0)}–${percentText(rate.high ?? 0)})`;
}

function valueText(value: ValueInterval, format: (value: number) => string): string {
  if (value.estimate === null) return 'n/a';
  return `${format(value.estimate)} (${value.low === null ? '?' : format(value.low)}–${value.high === null ? '?' : format(value.high)})`;
}

function percentText(value: number): string {
  return `${Math.round(value * 100)}%`;
}

function compact(value: number): string {
  if (value >= 1_000_000) return `${(value / 1_000_000).toFixed(1)}M`;
  if (value >= 1_000) return `${(value / 1_000).toFixed(1)}k`;
  return value.toFixed(0);
}

function dollars(value: number): string {
  return `$${value < 10 ? value.toFixed(2) : value.toFixed(0)}`;
}

export const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #1d2330; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #d8dce3; } h3 { margin-top: 1.4rem; }
table { border-collapse: collapse; margin: .6rem 0; font-size: 13px; }
th, td { border: 1px solid #d8dce3; padding: .3rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #f1f3f7; }
a { color: #1f5fbf; }
.warning { background: #fff6dc; border: 1px solid #e8cf7a; padding: .6rem .8rem; }
.lead { color: #4b5565; }
.charts { display: grid; gap: 1.2rem; }
.chart .chart-title { font-weight: 600; font-size: 14px; }
.chart .label, .chart .value, .chart .tick { font-size: 12px; fill: #1d2330; }
.chart .bar { fill: #7aa2e3; } .chart .whisker { stroke: #1d2330; stroke-width: 1.5; } .chart .grid { stroke: #e4e7ec; }
.chart .bar-link:hover .bar { fill: #3f77d1; }
.comparisons li.distinguishable { font-weight: 600; }
td.all-solved { background: #e6f4ea; } td.none-solved { background: #fbe9e7; } td.some-solved { background: #fff6dc; }
.peer { display: block; color: #6b3fa0; }
pre { white-space: pre-wrap; background: #f7f8fa; border: 1px solid #e4e7ec; padding: .6rem; font-size: 12px; }
`;
