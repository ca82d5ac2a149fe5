/**
 * Persisting the memory runtime of a CLI process that holds the state file's lock, in
 * O(changes): every `intervalMs` the runtime's changes since the last flush (a change-tracking
 * runtime notes the keys it writes) are appended to the journal as one line - one `write`, no
 * rewrite of the state. Now and then the journal is compacted: a checkpoint of the runtime is
 * written as the new state file (temporary file, fsync, rename), then a fresh journal that
 * names it (the same way). When the journal outgrows the snapshot, and when the session ends.
 *
 * Crash safety: a crash before the state file's rename leaves the old snapshot and its
 * journal; between the two renames, the new snapshot and an old journal that names another
 * snapshot (ignored); during an append, a torn last line (ignored). Appends are flushed to
 * disk (fsync) when the session ends and at each compaction; a process that is killed loses
 * nothing it appended (the kernel has it), a machine that loses power at most the lines since
 * the last fsync - as the snapshot-per-interval saving it replaces lost its last interval.
 */
import { closeSync, fsyncSync, openSync, statSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import type { MemoryCheckpoint, MemoryRuntime } from "@converge/core";
import type { JournalHeader } from "./journal-file.js";
import { STATE_JOURNAL_FORMAT, STATE_JOURNAL_VERSION, journalPath } from "./journal-file.js";
import { serializeState, writeStateText } from "./state-file.js";

/** Options of {@link JournalWriter}. */
export interface JournalWriterOptions {
  /** The state file (the journal is `<path>.journal`). */
  readonly path: string;
  /** The runtime, made with `trackChanges: true`. */
  readonly runtime: MemoryRuntime;
  /** Events kept per stack when compacting. */
  readonly maxEventsPerStack: number;
  /** Time between two flushes, ms. @default 100 */
  readonly intervalMs?: number;
  /** Compact once the journal is larger than this many bytes and than twice the last snapshot. @default 32 MiB */
  readonly compactBytes?: number;
  /** Called when a background flush fails (the next flush compacts, saving everything). */
  readonly onError?: (error: unknown) => void;
}

/** The journal of a state file while a process drives its runtime. */
export class JournalWriter {
  private readonly intervalMs: number;
  private readonly compactBytes: number;
  private readonly file: string;
  private fd: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private journalBytes = 0;
  private snapshotBytes = 0;
  /** Change lines appended since the journal started (0: the state file alone is the state). */
  private lines = 0;
  /** An append failed: the next flush compacts (the checkpoint holds the changes it lost). */
  private broken = false;
  /** The snapshot the journal continues: null to compact at the first change; "started" once the journal was written. */
  private base: string | null | "started" = null;
  /** The checkpoint to write at the first change when `base` is null. */
  private initial: MemoryCheckpoint | null = null;

  constructor(private readonly options: JournalWriterOptions) {
    this.intervalMs = options.intervalMs ?? 100;
    this.compactBytes = options.compactBytes ?? 32 * 2 ** 20;
    this.file = journalPath(options.path);
  }

  /**
   * Journal a runtime restored from `stateId`'s snapshot (undefined: no file yet, or an old
   * state file) with `journaled` lines of another process's journal folded in. Nothing is
   * written until something changes; then a fresh journal naming the snapshot is started, or -
   * when the state has no id or came with journal lines (numbered by another runtime) - the
   * state is compacted first.
   */
  begin(stateId: string | undefined, journaled: number): void {
    this.base = stateId === undefined || journaled > 0 ? null : stateId;
    // Checkpoint the state as loaded now (cheap for a new file): written at the first change,
    // it is followed by that change's line, instead of a snapshot of the state by then.
    this.initial = this.base === null ? this.options.runtime.checkpoint({ maxEventsPerStack: this.options.maxEventsPerStack }) : null;
    try {
      this.snapshotBytes = statSync(this.options.path).size;
    } catch {
      this.snapshotBytes = 0; // no state file yet
    }
  }

  /** Flush every `intervalMs` in the background. */
  start(): void {
    const tick = (): void => {
      try {
        this.flush();
      } catch (error) {
        this.options.onError?.(error);
      }
      this.timer = setTimeout(tick, this.intervalMs);
      this.timer.unref();
    };
    this.timer = setTimeout(tick, this.intervalMs);
    this.timer.unref();
  }

  /** Append the changes since the last flush (compacting when the journal grew large). Returns whether it wrote. */
  flush(): boolean {
    if (this.broken) {
      // An append failed part-way: the journal may end in a torn line, so start a new one.
      this.compact();
      return true;
    }
    const changes = this.options.runtime.takeChanges();
    if (changes === null) return false;
    if (this.base === null && this.initial === null) {
      this.compact(); // the checkpoint holds the changes just taken
      return true;
    }
    if (this.base === null && this.initial !== null) {
      this.broken = true; // until the journal exists: the changes were taken
      this.writeCheckpoint(this.initial);
      this.initial = null;
    } else if (this.base !== "started" && this.base !== null) {
      this.startJournal({ format: STATE_JOURNAL_FORMAT, version: STATE_JOURNAL_VERSION, base: this.base });
    }
    const text = `${JSON.stringify(changes)}\n`;
    try {
      writeSync(this.openFd(), text);
    } catch (error) {
      this.broken = true;
      throw error;
    }
    this.journalBytes += Buffer.byteLength(text);
    this.lines += 1;
    if (this.journalBytes > this.compactBytes && this.journalBytes > 2 * this.snapshotBytes) this.compact();
    return true;
  }

  /** Flush, and make what was written durable (fsync). */
  sync(): void {
    this.flush();
    if (this.fd !== null) fsyncSync(this.fd);
  }

  /**
   * Write a checkpoint of the runtime as the state file and start a fresh journal that names
   * it. Changes taken but not written are in the checkpoint too.
   */
  compact(): void {
    this.broken = true; // until the new journal exists: the checkpoint took the changes
    this.initial = null;
    // Serialized at once: no need to copy the runtime's records first.
    this.writeCheckpoint(this.options.runtime.checkpoint({ maxEventsPerStack: this.options.maxEventsPerStack, copy: false }));
  }

  /** Write `checkpoint` as the state file and start a journal naming it. */
  private writeCheckpoint(checkpoint: MemoryCheckpoint): void {
    const stateId = `${Date.now().toString(36)}-${randomBytes(6).toString("hex")}`;
    const text = serializeState({ ...checkpoint.snapshot, stateId });
    writeStateText(this.options.path, text);
    this.snapshotBytes = Buffer.byteLength(text);
    this.startJournal({ format: STATE_JOURNAL_FORMAT, version: STATE_JOURNAL_VERSION, base: stateId, queueIds: checkpoint.queueIds, timerIds: checkpoint.timerIds });
  }

  /** Stop flushing in the background. */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Stop, then compact (`compact`; not when nothing changed) or flush and fsync; close the journal. */
  close(compact: boolean): void {
    this.stop();
    try {
      this.sync();
      if (compact && this.lines > 0) this.compact();
    } finally {
      if (this.fd !== null) closeSync(this.fd);
      this.fd = null;
    }
  }

  /** Replace the journal with one holding only `header` (atomically), and append to it from now on. */
  private startJournal(header: JournalHeader): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    const text = `${JSON.stringify(header)}\n`;
    writeStateText(this.file, text);
    this.journalBytes = Buffer.byteLength(text);
    this.lines = 0;
    this.broken = false;
    this.base = "started";
  }

  private openFd(): number {
    this.fd ??= openSync(this.file, "a", 0o600);
    return this.fd;
  }
}
