// Inline SVG charts for report.html (no script, no network): one horizontal bar per condition with its 95%
// interval drawn as a whisker, the value written beside it, and the bar linking to the runs behind it.

export interface ChartRow {
  label: string;
  value: number | null;
  low: number | null;
  high: number | null;
  /** Written right of the bar, e.g. "7 of 8 (88%)". */
  text: string;
  href: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

const WIDTH = 720;
const LABEL_WIDTH = 120;
const TEXT_WIDTH = 190;
const ROW_HEIGHT = 30;
const TOP = 34;
const BOTTOM = 26;

/** `max` is the right end of the axis (1 for rates); `format` writes the tick labels. */
export function intervalChart(options: { id: string; title: string; rows: ChartRow[]; max?: number; format: (value: number) => string }): string {
  const plotWidth = WIDTH - LABEL_WIDTH - TEXT_WIDTH;
  const observed = options.rows.flatMap((row) => [row.value, row.high]).filter((value): value is number => value !== null && Number.isFinite(value));
  const max = options.max ?? niceMax(Math.max(0, ...observed));
  const x = (value: number) => LABEL_WIDTH + (max === 0 ? 0 : (Math.min(value, max) / max) * plotWidth);
  const height = TOP + options.rows.length * ROW_HEIGHT + BOTTOM;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" id="${escapeHtml(options.id)}" class="chart" role="img" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" aria-labelledby="${escapeHtml(options.id)}-title">`,
    `<title id="${escapeHtml(options.id)}-title">${escapeHtml(options.title)}</title>`,
    `<text x="0" y="18" class="chart-title">${escapeHtml(options.title)}</text>`,
  ];
  const axisY = TOP + options.rows.length * ROW_HEIGHT;
  for (let tick = 0; tick <= 4; tick++) {
    const value = (max * tick) / 4;
    parts.push(`<line x1="${x(value)}" y1="${TOP - 4}" x2="${x(value)}" y2="${axisY}" class="grid"/>`);
    parts.push(`<text x="${x(value)}" y="${axisY + 16}" class="tick" text-anchor="middle">${escapeHtml(options.format(value))}</text>`);
  }
  for (const [index, row] of options.rows.entries()) {
    const y = TOP + index * ROW_HEIGHT;
    const middle = y + ROW_HEIGHT / 2;
    parts.push(`<a href="${escapeHtml(row.href)}" class="bar-link" data-condition="${escapeHtml(row.label)}">`);
    parts.push(`<text x="${LABEL_WIDTH - 8}" y="${middle + 4}" text-anchor="end" class="label">${escapeHtml(row.label)}</text>`);
    if (row.value !== null && Number.isFinite(row.value)) {
      parts.push(`<rect x="${LABEL_WIDTH}" y="${y + 6}" width="${Math.max(1, x(row.value) - LABEL_WIDTH)}" height="${ROW_HEIGHT - 12}" class="bar"/>`);
    }
    if (row.low !== null && row.high !== null) {
      const [left, right] = [x(row.low), x(row.high)];
      parts.push(`<line x1="${left}" y1="${middle}" x2="${right}" y2="${middle}" class="whisker"/>`);
      parts.push(`<line x1="${left}" y1="${middle - 6}" x2="${left}" y2="${middle + 6}" class="whisker"/>`);
      parts.push(`<line x1="${right}" y1="${middle - 6}" x2="${right}" y2="${middle + 6}" class="whisker"/>`);
    }
    parts.push(`<text x="${WIDTH - TEXT_WIDTH + 8}" y="${middle + 4}" class="value">${escapeHtml(row.text)}</text>`);
    parts.push('</a>');
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** 1, 2, 2.5, 5 times a power of ten, at or above `value` (an axis end that reads well). */
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}
