/**
 * The state journal: `<state>.journal` next to the state file, one JSON value per line. The
 * first line names the snapshot it continues (the state file's `stateId`) and the ids the
 * writing runtime gave that snapshot's queued checks and timers; every later line is one
 * `MemoryChanges` (what a runtime changed since the previous line). Reading the state is the
 * snapshot with the journal's changes folded in. A journal that names another snapshot is
 * left over from before a compaction and ignored; a last line without its newline (a write
 * cut short by a crash) is ignored; any other bad line is a `SnapshotError`.
 */
import { readFileSync } from "node:fs";
import { SnapshotError, applyMemoryChanges, errorMessage, parseMemorySnapshot } from "@converge/core";
import type { MemoryChanges, MemorySnapshot, SnapshotIds } from "@converge/core";
import { readStateFile } from "./state-file.js";

/** The `format` of a journal's first line. */
export const STATE_JOURNAL_FORMAT = "converge.state-journal";

/** The journal version this code writes and reads. */
export const STATE_JOURNAL_VERSION = 1;

/** The first line of a journal. */
export interface JournalHeader extends SnapshotIds {
  /** Always {@link STATE_JOURNAL_FORMAT}. */
  readonly format: typeof STATE_JOURNAL_FORMAT;
  /** Always {@link STATE_JOURNAL_VERSION}. */
  readonly version: typeof STATE_JOURNAL_VERSION;
  /** The `stateId` of the snapshot the changes continue. */
  readonly base: string;
}

/** The journal of a state file. */
export function journalPath(statePath: string): string {
  return `${statePath}.journal`;
}

/** A journal's lines, parsed. */
export interface JournalContent {
  /** Its first line. */
  readonly header: JournalHeader;
  /** The complete change lines after it. */
  readonly changes: readonly MemoryChanges[];
}

/**
 * Read a journal; null when it does not exist or holds no complete first line.
 * @throws SnapshotError naming the journal and the line that is not what it should be.
 */
export function readJournal(path: string): JournalContent | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return null;
    throw new SnapshotError(`state journal ${path}`, "", `cannot be read: ${errorMessage(error)}`);
  }
  const end = text.lastIndexOf("\n");
  if (end < 0) return null; // not even a complete first line: a write cut short
  const lines = text.slice(0, end).split("\n");
  const parse = (line: string, n: number): unknown => {
    try {
      return JSON.parse(line) as unknown;
    } catch (error) {
      throw new SnapshotError(`state journal ${path}`, `line ${n}`, `is not valid JSON (${errorMessage(error)}); move the journal away to read the state without it`);
    }
  };
  const header = parse(lines[0] ?? "", 1) as Partial<JournalHeader> | null;
  if (header === null || typeof header !== "object" || header.format !== STATE_JOURNAL_FORMAT) {
    throw new SnapshotError(`state journal ${path}`, "line 1", `not a Converge state journal (expected "format": "${STATE_JOURNAL_FORMAT}")`);
  }
  if (header.version !== STATE_JOURNAL_VERSION || typeof header.base !== "string") {
    throw new SnapshotError(`state journal ${path}`, "line 1", `unsupported version ${JSON.stringify(header.version) ?? "(missing)"}; this Converge reads version ${STATE_JOURNAL_VERSION}`);
  }
  const changes = lines.slice(1).map((line, i) => parse(line, i + 2) as MemoryChanges);
  return { header: header as JournalHeader, changes };
}

/** What {@link readState} found. */
export interface StateRead {
  /** The state: the snapshot with the journal folded in; null when there is no state file. */
  readonly state: MemorySnapshot | null;
  /** How many journal lines were folded in (0: the snapshot alone). */
  readonly journaled: number;
}

/**
 * Read a state file and its journal. A compaction running meanwhile (a new snapshot, then a
 * new journal) is retried. @throws SnapshotError
 */
export function readState(statePath: string): StateRead {
  for (let attempt = 0; ; attempt++) {
    const snapshot = readStateFile(statePath);
    if (snapshot === null) return { state: null, journaled: 0 };
    const journal = readJournal(journalPath(statePath));
    if (journal === null || journal.header.base !== snapshot.stateId) {
      // No journal, or one from before the snapshot (a compaction may be writing its new one).
      if (journal === null || attempt >= 2) return { state: snapshot, journaled: 0 };
      continue;
    }
    if (journal.changes.length === 0) return { state: snapshot, journaled: 0 };
    const source = `state file ${statePath} with its journal`;
    let folded: MemorySnapshot;
    try {
      folded = applyMemoryChanges(snapshot, journal.changes, journal.header);
    } catch (error) {
      throw new SnapshotError(source, "", `the journal's changes do not apply (${errorMessage(error)}); move the journal away to read the state without it`);
    }
    return { state: parseMemorySnapshot({ ...folded, stateId: snapshot.stateId }, { source }), journaled: journal.changes.length };
  }
}
