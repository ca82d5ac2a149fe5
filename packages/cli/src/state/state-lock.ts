/**
 * The lock of a state file: `<state>.lock`, created exclusively (`O_EXCL`) and holding the
 * owner's pid, host and command. Only one CLI process at a time drives the memory runtime of
 * a state file; a lock whose process is gone (same host, pid not alive) is taken over.
 */
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { ConvergeError, ErrorCode } from "@converge/core";

/** What a lock file says about its owner. */
export interface LockOwner {
  /** Process id. */
  readonly pid: number;
  /** Host name. */
  readonly host: string;
  /** The command line of the owner, for messages. */
  readonly command: string;
  /** Epoch ms when it was taken. */
  readonly since: number;
}

/** Another live process holds the state file's lock. */
export class StateLockedError extends ConvergeError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "StateLockedError";
  /** The lock file. */
  readonly lockFile: string;
  /** Its owner, when readable. */
  readonly owner: LockOwner | null;
  constructor(lockFile: string, owner: LockOwner | null) {
    const who = owner === null ? "another process" : `process ${owner.pid} on ${owner.host} (${owner.command}, since ${new Date(owner.since).toISOString()})`;
    super(
      ErrorCode.STACK_BUSY,
      `state file is in use by ${who}; wait for it to finish, or delete ${lockFile} if that process is gone`,
    );
    this.lockFile = lockFile;
    this.owner = owner;
  }
}

/** A held lock. */
export interface StateLock {
  /** The lock file. */
  readonly file: string;
  /** Remove the lock (only if it is still ours). Idempotent. */
  release(): void;
}

function readOwner(file: string): LockOwner | null | "missing" {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    return (error as { code?: unknown }).code === "ENOENT" ? "missing" : null;
  }
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid === "number" && typeof value.host === "string") {
      return { pid: value.pid, host: value.host, command: String(value.command ?? "converge"), since: Number(value.since ?? 0) };
    }
  } catch {
    // unreadable content: treated as an unknown (live) owner
  }
  return null;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === "EPERM";
  }
}

/** Whether the owner is certainly gone: same host and its pid is not running. */
function isStale(owner: LockOwner): boolean {
  return owner.host === hostname() && owner.pid !== process.pid && !processAlive(owner.pid);
}

/** Whether a live (or unknown) process holds the lock of `statePath`. */
export function isStateLocked(statePath: string): boolean {
  const owner = readOwner(`${statePath}.lock`);
  return owner !== "missing" && (owner === null || !isStale(owner));
}

/** The owner of `statePath`'s lock as its file says (null: no lock, or unreadable). */
export function stateLockOwner(statePath: string): LockOwner | null {
  const owner = readOwner(`${statePath}.lock`);
  return owner === "missing" ? null : owner;
}

/**
 * Take the lock of `statePath`. @throws StateLockedError when a live process holds it.
 */
export function acquireStateLock(statePath: string, command: string): StateLock {
  const file = `${statePath}.lock`;
  const me: LockOwner = { pid: process.pid, host: hostname(), command, since: Date.now() };
  const content = JSON.stringify(me);
  mkdirSync(dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o600);
      try {
        writeSync(fd, content);
      } finally {
        closeSync(fd);
      }
      let released = false;
      return {
        file,
        release() {
          if (released) return;
          released = true;
          const owner = readOwner(file);
          if (owner !== "missing" && owner !== null && owner.pid === me.pid && owner.since === me.since) rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as { code?: unknown }).code !== "EEXIST") throw error;
    }
    const owner = readOwner(file);
    if (owner === "missing") continue;
    if (owner === null || !isStale(owner)) throw new StateLockedError(file, owner);
    takeOverStale(file, owner);
  }
  throw new StateLockedError(file, null);
}

/**
 * Remove a stale lock without racing another process doing the same: move it aside
 * atomically, and if what was moved is not the stale lock we judged (someone replaced it
 * meanwhile), put it back.
 */
function takeOverStale(file: string, stale: LockOwner): void {
  const aside = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.stale`;
  try {
    renameSync(file, aside);
  } catch {
    return; // someone else moved it first
  }
  const moved = readOwner(aside);
  if (moved !== "missing" && moved !== null && moved.pid === stale.pid && moved.since === stale.since) {
    rmSync(aside, { force: true });
    return;
  }
  try {
    linkSync(aside, file);
  } catch {
    // the lock path was taken again meanwhile; that owner holds it
  }
  rmSync(aside, { force: true });
}
