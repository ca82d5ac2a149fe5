/**
 * A session: the engine a command works with, over the runtime the user chose.
 *
 * - Memory runtime: the state lives in a file. A *read* session restores it without taking the
 *   lock and processes nothing. A *drive* session takes the lock, restores the state, and this
 *   process is the worker: it resumes whatever a previous process left in progress, and the
 *   state's changes are appended to its journal as they happen (`state/journal-writer.ts`),
 *   compacted into the state file when the session ends. A session holding the lock also
 *   answers requests of other processes (`converge cancel` from a second terminal). A *start* session takes the lock
 *   but processes nothing (`--no-wait`): the queued checks are saved for the next process.
 * - Redis runtime: the engine is an API client; `converge worker` processes run the checks.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { createEngine, createMemoryRuntime, errorMessage } from "@converge/core";
import type { MemoryRuntime, MemorySnapshot } from "@converge/core";
import { cliEngineId } from "./engine-id.js";
import { loadRedisModules } from "./redis-modules.js";
import { readState } from "./state/journal-file.js";
import { JournalWriter } from "./state/journal-writer.js";
import { listenForRequests } from "./state/requests.js";
import { acquireStateLock } from "./state/state-lock.js";
import type { Session, SessionRequest } from "./session-types.js";

/** Events kept per stack in the state file. */
export const STATE_EVENTS_PER_STACK = 1000;

/** How long closing a drive session waits for checks in flight, ms. */
export const CLOSE_GRACE_MS = 5000;

/** Open a session. @throws StateLockedError, SnapshotError, InvalidOptionsError */
export async function openSession(request: SessionRequest): Promise<Session> {
  if (request.runtime.kind === "redis") {
    // Loaded on demand: the memory runtime's commands never load BullMQ and ioredis (optional
    // peer dependencies: a missing one is a MissingPackageError naming it).
    const { openRedisSession } = await loadRedisModules("--redis");
    return openRedisSession(request.runtime, request);
  }
  return openMemorySession(request.runtime.statePath, request);
}

async function openMemorySession(statePath: string, request: SessionRequest): Promise<Session> {
  const where = `state file ${statePath}`;
  if (request.access === "read") {
    const runtime = createMemoryRuntime(restoreOptions(readState(statePath).state));
    const engine = createEngine({ runtime, types: request.types, logger: request.logger, worker: false, engineId: cliEngineId() });
    const close = async (): Promise<void> => {
      await engine.close();
      await runtime.close();
    };
    return { kind: "memory", where, engine, runtime, drives: false, save: () => undefined, close, abandon: close };
  }
  const lock = acquireStateLock(statePath, request.command);
  try {
    const { state, journaled } = readState(statePath);
    const runtime = createMemoryRuntime({ ...restoreOptions(state), trackChanges: true });
    const drives = request.access === "drive";
    const engine = createEngine({ runtime, types: request.types, logger: request.logger, worker: drives, engineId: cliEngineId() });
    const journal = new JournalWriter({
      path: statePath,
      runtime,
      maxEventsPerStack: STATE_EVENTS_PER_STACK,
      onError: (error) => request.logger.warn(`could not save ${where}: ${errorMessage(error)}`),
    });
    journal.begin(state?.stateId, journaled);
    if (drives && state !== null) await wakeStalled(runtime, state);
    journal.start();
    // `converge cancel` from another terminal asks this process, which holds the lock.
    const stopListening = listenForRequests(statePath, async (asked) => {
      const info = await engine.cancelUpdate(asked.stack, { rollback: asked.rollback });
      journal.flush(); // the asking process reads the state file next
      return { ok: true, state: info.state, traversalId: info.traversalId };
    });
    const end = async (wait: boolean): Promise<void> => {
      stopListening();
      try {
        // Checks still running (of other stacks this process resumed, say) get a moment to
        // finish; after that they are saved as queued and run again by the next process.
        if (wait) await Promise.race([engine.close(), sleep(CLOSE_GRACE_MS, undefined, { ref: false })]);
        // An orderly end compacts (the next process starts from one file); an interrupt only
        // makes the journal durable, to be quick.
        journal.close(wait);
        await runtime.close();
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
      save: () => journal.sync(),
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
