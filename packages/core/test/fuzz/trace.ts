/**
 * The readable trace of a fuzz run: operations issued, failures injected, crashes, held calls
 * and clock moves, with plain check steps collapsed into counts.
 */

/** See the file comment. */
export class Trace {
  /** Lines so far. */
  readonly lines: string[] = [];
  private steps = 0;

  /** Count one plain step. */
  step(): void {
    this.steps += 1;
  }

  /** Add a line (after the steps counted so far). */
  note(line: string): void {
    this.flush();
    this.lines.push(line);
  }

  /** The trace as text, keeping the first and last lines when it is long. */
  text(limit = 300): string {
    this.flush();
    if (this.lines.length <= limit) return this.lines.join("\n");
    const head = this.lines.slice(0, limit / 2);
    const tail = this.lines.slice(-limit / 2);
    return [...head, `  ... ${this.lines.length - limit} lines ...`, ...tail].join("\n");
  }

  private flush(): void {
    if (this.steps === 0) return;
    this.lines.push(`  .. ${this.steps} step${this.steps === 1 ? "" : "s"}`);
    this.steps = 0;
  }
}
