/**
 * Write-behind of the memory runtime's state while a CLI process drives it: the snapshot is
 * taken every `intervalMs` (stretched when serializing gets slow) and written only when it
 * changed, so other processes (`converge show`, `events --follow`) see progress and a killed
 * process loses at most the last interval.
 */
import type { MemorySnapshot } from "@converge/core";
import { serializeState, writeStateText } from "./state-file.js";

/** Options of {@link Autosaver}. */
export interface AutosaveOptions {
  /** The state file. */
  readonly path: string;
  /** Takes the snapshot to save. */
  readonly snapshot: () => MemorySnapshot;
  /** Minimum time between two saves, ms. @default 100 */
  readonly intervalMs?: number;
  /** Called when a background save fails (the next save retries). */
  readonly onError?: (error: unknown) => void;
}

/** The snapshot without its time stamp: equal when nothing else changed. */
function comparable(snapshot: MemorySnapshot): string {
  return JSON.stringify({ ...snapshot, savedAt: 0 });
}

/** Periodic, change-only saving of a state file. */
export class Autosaver {
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | null = null;
  private last: string | null = null;
  private running = false;

  constructor(private readonly options: AutosaveOptions) {
    this.intervalMs = options.intervalMs ?? 100;
  }

  /** Take the current state as what the file holds (nothing is written until it changes). */
  baseline(): void {
    this.last = comparable(this.options.snapshot());
  }

  /** Start saving in the background. */
  start(): void {
    this.running = true;
    this.schedule(this.intervalMs);
  }

  /** Save now if the state changed. Returns whether it wrote. */
  saveNow(): boolean {
    const snapshot = this.options.snapshot();
    const body = comparable(snapshot);
    if (body === this.last) return false;
    writeStateText(this.options.path, serializeState(snapshot));
    this.last = body;
    return true;
  }

  /** Stop the background saving (a final `saveNow` is the caller's). */
  stop(): void {
    this.running = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(delay: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      const started = performance.now();
      try {
        this.saveNow();
      } catch (error) {
        this.options.onError?.(error);
      }
      // A big state is saved less often: at most a fifth of the time goes to saving.
      this.schedule(Math.max(this.intervalMs, 4 * (performance.now() - started)));
    }, delay);
    this.timer.unref();
  }
}
