/**
 * A session: the engine a command works with, over the runtime the user chose.
 *
 * - Memory runtime: the state lives in a file. A *read* session restores it without taking the
 *   lock and processes nothing. A *drive* session takes the lock, restores the state, and this
 *   process is the worker: it resumes whatever a previous process left in progress, and the
 *   state is saved as it changes and when the session ends. A *start* session takes the lock
 *   but processes nothing (`--no-wait`): the queued checks are saved for the next process.
 * - Redis runtime: the engine is an API client; `converge worker` processes run the checks.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { createEngine, createMemoryRuntime } from "@converge/core";
import type { AnyResourceType, Engine, Logger, MemoryRuntime, MemorySnapshot, Runtime } from "@converge/core";
import { Autosaver } from "./state/autosave.js";
import { readStateFile, serializeState } from "./state/state-file.js";
import type { StateLock } from "./state/state-lock.js";
import { acquireStateLock } from "./state/state-lock.js";
import type { RedisChoice } from "./session-redis.js";
import { openRedisSession } from "./session-redis.js";

/** Where stacks live. */
export type RuntimeChoice = { readonly kind: "memory"; readonly statePath: string } | RedisChoice;

/** How a command uses the runtime. */
export type SessionAccess = "read" | "drive" | "start";

/** What a command asks for. */
export interface SessionRequest {
  /** The runtime. */
  readonly runtime: RuntimeChoice;
  /** Read only, drive (process checks), or start traversals without processing them. */
  readonly access: SessionAccess;
  /** Resource types. */
  readonly types: readonly AnyResourceType[];
  /** Logger of the engine (warnings of the protocol). */
  readonly logger: Logger;
  /** The command line, recorded in the state lock. */
  readonly command: string;
}

/** An open session. */
export interface Session {
  /** Runtime kind. */
  readonly kind: "memory" | "redis";
  /** Where the state is, for messages (`state file …`, `redis …`). */
  readonly where: string;
  /** The engine. */
  readonly engine: Engine;
  /** The runtime (its store is read for progress and events). */
  readonly runtime: Runtime;
  /** Whether this process runs the checks of the stacks it starts (memory drive sessions). */
  readonly drives: boolean;
  /** Persist the state now (memory sessions holding the lock; otherwise nothing). */
  save(): void;
  /** Orderly end: stop processing (waiting for checks in flight), final save, unlock, close. */
  close(): Promise<void>;
  /**
   * End after an interrupt: save the state as it is now (checks in flight are saved as queued,
   * to run again) and unlock, without waiting for checks in flight.
   */
  abandon(): Promise<void>;
}

/** Events kept per stack in the state file. */
export const STATE_EVENTS_PER_STACK = 1000;

/** A fresh engine id naming this process (never reused, so a restored lock of ours is stale). */
export function cliEngineId(): string {
  return `cli-${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

/** Open a session. @throws StateLockedError, SnapshotError, InvalidOptionsError */
export async function openSession(request: SessionRequest): Promise<Session> {
  if (request.runtime.kind === "redis") return openRedisSession(request.runtime, request);
  return openMemorySession(request.runtime.statePath, request);
}

async function openMemorySession(statePath: string, request: SessionRequest): Promise<Session> {
  const where = `state file ${statePath}`;
  if (request.access === "read") {
    const runtime = createMemoryRuntime(restoreOptions(readStateFile(statePath)));
    const engine = createEngine({ runtime, types: request.types, logger: request.logger, worker: false, engineId: cliEngineId() });
    const close = async (): Promise<void> => {
      await engine.close();
      await runtime.close();
    };
    return { kind: "memory", where, engine, runtime, drives: false, save: () => undefined, close, abandon: close };
  }
  const lock = acquireStateLock(statePath, request.command);
  try {
    const state = readStateFile(statePath);
    const runtime = createMemoryRuntime(restoreOptions(state));
    const drives = request.access === "drive";
    const engine = createEngine({ runtime, types: request.types, logger: request.logger, worker: drives, engineId: cliEngineId() });
    if (drives && state !== null) await wakeStalled(runtime, state);
    const saver = new Autosaver({
      path: statePath,
      snapshot: () => runtime.snapshot({ maxEventsPerStack: STATE_EVENTS_PER_STACK }),
      onError: (error) => request.logger.warn(`could not save ${where}: ${(error as Error).message}`),
    });
    saver.baseline(state === null ? null : serializeState(state));
    saver.start();
    const end = async (wait: boolean): Promise<void> => {
      try {
        if (wait) await engine.close();
        saver.stop();
        saver.saveNow();
        if (wait) await runtime.close();
      } finally {
        lock.release();
      }
    };
    return {
      kind: "memory",
      where,
      engine,
      runtime,
      drives,
      save: () => void saver.saveNow(),
      close: () => end(true),
      abandon: () => end(false),
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

function restoreOptions(state: MemorySnapshot | null): { state?: MemorySnapshot } {
  return state === null ? {} : { state };
}

/**
 * A stack left in progress with nothing queued for it (its process died between saves) is
 * looked at by the watchdog right away rather than when its saved timer comes due.
 */
async function wakeStalled(runtime: MemoryRuntime, state: MemorySnapshot): Promise<void> {
  const queued = new Set(state.queue.filter((q) => q.message.kind !== "watchdog").map((q) => q.message.stackId));
  for (const { stack } of state.stacks) {
    if (stack.status === "IN_PROGRESS" && !queued.has(stack.id)) {
      await runtime.schedule({ kind: "watchdog", stackId: stack.id, traversalId: stack.currentTraversal }, runtime.now());
    }
  }
}
