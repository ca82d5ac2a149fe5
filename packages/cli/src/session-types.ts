/**
 * The types of sessions: which runtime, how a command uses it, and what it gets back.
 */
import type { AnyResourceType, Engine, Logger, Runtime } from "@converge/core";

/** The Redis runtime chosen with `--redis`. */
export interface RedisChoice {
  readonly kind: "redis";
  /** `redis://` or `rediss://` URL. */
  readonly url: string;
  /** Key prefix. @default the runtime's ("converge") */
  readonly prefix: string | undefined;
  /** Queue name. @default the runtime's ("checks") */
  readonly queue: string | undefined;
}

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

