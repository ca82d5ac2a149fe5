/**
 * The memory runtime's state file: a versioned JSON snapshot (`runtime.snapshot()`), read and
 * validated as a whole, and written atomically (temporary file, fsync, rename) so a reader or
 * a crash never sees half a file - a corrupt or foreign file is reported and left untouched.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { dirname, resolve } from "node:path";
import { SnapshotError, parseMemorySnapshot, errorMessage } from "@converge/core";
import type { MemorySnapshot } from "@converge/core";

/** Default state file, relative to the working directory. */
export const DEFAULT_STATE_FILE = ".converge/state.json";

/** The state file to use: `--state`, else `$CONVERGE_STATE`, else the default; absolute. */
export function resolveStatePath(option: string | undefined, env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  const chosen = option ?? (env.CONVERGE_STATE === undefined || env.CONVERGE_STATE === "" ? DEFAULT_STATE_FILE : env.CONVERGE_STATE);
  return resolve(cwd, chosen);
}

/**
 * Read and validate the state file (the snapshot alone: `readState` of `journal-file.ts` adds
 * the changes journaled since); null when it does not exist yet.
 * @throws SnapshotError naming the file and what is wrong with it.
 */
export function readStateFile(path: string): MemorySnapshot | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return null;
    throw new SnapshotError(`state file ${path}`, "", `cannot be read: ${errorMessage(error)}`);
  }
  return parseStateText(path, text);
}

/** Validate state file text. @throws SnapshotError */
export function parseStateText(path: string, text: string): MemorySnapshot {
  const source = `state file ${path}`;
  if (text.trim() === "") throw new SnapshotError(source, "", "is empty (not a Converge state file); move it away or pass another --state");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SnapshotError(source, "", `is not valid JSON (${errorMessage(error).replace(/\s+/g, " ")}); move it away or pass another --state`);
  }
  return parseMemorySnapshot(json, { source });
}

/** Serialize a snapshot the way {@link writeStateText} stores it. */
export function serializeState(snapshot: MemorySnapshot): string {
  return `${JSON.stringify(snapshot)}\n`;
}

/**
 * Replace the state file with `text` atomically: write a temporary file next to it, flush it
 * to disk, then rename it over the old one. Creates the directory when needed.
 */
export function writeStateText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    const fd = openSync(temp, "wx", 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
