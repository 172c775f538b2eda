// The progress of an experiment on stderr: on a terminal, one line redrawn in place ("[#####-----] 12/32 ...
// running: 2"); elsewhere (CI logs, files), one plain line per finished run.

export interface ProgressStream {
  isTTY?: boolean | undefined;
  columns?: number | undefined;
  write(text: string): unknown;
}

export class ProgressBar {
  readonly #stream: ProgressStream;
  readonly #total: number;
  #done = 0;
  #running = new Set<string>();
  #solved = 0;
  readonly #started = Date.now();

  constructor(stream: ProgressStream, total: number) {
    this.#stream = stream;
    this.#total = total;
  }

  started(runId: string): void {
    this.#running.add(runId);
    this.#draw();
  }

  finished(runId: string, summary: string, solved: boolean): void {
    this.#running.delete(runId);
    this.#done++;
    if (solved) this.#solved++;
    if (this.#stream.isTTY) {
      this.#stream.write(`\r\x1b[K${runId}: ${summary}\n`);
      this.#draw();
    } else {
      this.#stream.write(`[${this.#done}/${this.#total}] ${runId}: ${summary}\n`);
    }
  }

  end(): void {
    if (this.#stream.isTTY) this.#stream.write('\r\x1b[K');
  }

  #draw(): void {
    if (!this.#stream.isTTY) return;
    const width = 24;
    const filled = this.#total === 0 ? width : Math.round((this.#done / this.#total) * width);
    const elapsed = (Date.now() - this.#started) / 1000;
    const eta = this.#done === 0 ? '?' : `${Math.round((elapsed / this.#done) * (this.#total - this.#done))} s`;
    const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${this.#done}/${this.#total} runs, ${this.#solved} solved, running ${this.#running.size}, ETA ${eta}`;
    this.#stream.write(`\r\x1b[K${line.slice(0, Math.max(40, (this.#stream.columns || 120) - 1))}`);
  }
}
