/**
 * The memory runtime's options, checked and defaulted (`createMemoryRuntime` takes the
 * result): scheduling, the clock (virtual in manual mode, starting at a snapshot's time), the
 * state to start from, the store's settings.
 */
import { InvalidOptionsError } from "../errors.js";
import { VirtualClock, realClock } from "./clock.js";
import type { Clock } from "./clock.js";
import type { PumpSettings } from "./delivery-pump.js";
import type { MemoryRuntimeOptions } from "./memory-runtime-types.js";
import { createRandom } from "./random.js";
import type { MemorySnapshot } from "./snapshot.js";
import { isValidatedSnapshot, parseMemorySnapshot } from "./snapshot.js";

const silent = { warn: () => undefined, error: () => undefined };

/** Memory runtime options with every default applied. */
export interface ResolvedMemoryOptions extends Omit<PumpSettings, "view" | "tracker"> {
  /** The clock. */
  readonly clock: Clock;
  /** The validated state to start from. */
  readonly state: MemorySnapshot | undefined;
  /** Whether the store implements the fused operations. */
  readonly fused: boolean;
  /** Events each stack's stream keeps. */
  readonly maxEventsPerStack: number;
  /** Whether writes are tracked for `takeChanges`. */
  readonly trackChanges: boolean;
}

/** Check and default `options`. @throws InvalidOptionsError naming the bad option; SnapshotError for a bad `state` */
export function resolveMemoryOptions(options: MemoryRuntimeOptions): ResolvedMemoryOptions {
  const mode = options.mode ?? "auto";
  if (mode !== "auto" && mode !== "manual") throw new InvalidOptionsError("mode", 'must be "auto" or "manual"');
  const duplicateRate = options.duplicateRate ?? 0;
  if (!(duplicateRate >= 0 && duplicateRate <= 1)) throw new InvalidOptionsError("duplicateRate", "must be between 0 and 1");
  const state =
    options.state === undefined ? undefined : isValidatedSnapshot(options.state) ? options.state : parseMemorySnapshot(options.state, { source: 'option "state"' });
  const clock = options.clock ?? (mode === "manual" ? new VirtualClock(state?.savedAt) : realClock());
  if (options.fusedOperations !== undefined && typeof options.fusedOperations !== "boolean") throw new InvalidOptionsError("fusedOperations", "must be a boolean");
  const maxEventsPerStack = options.maxEventsPerStack ?? 100_000;
  if (!(Number.isInteger(maxEventsPerStack) && maxEventsPerStack >= 1)) throw new InvalidOptionsError("maxEventsPerStack", "must be an integer >= 1");
  return {
    mode,
    order: options.order ?? "fifo",
    duplicateRate,
    maxAttempts: options.maxAttempts ?? 5,
    random: createRandom(options.seed ?? 1),
    logger: options.logger ?? silent,
    clock,
    state,
    fused: options.fusedOperations ?? true,
    maxEventsPerStack,
    trackChanges: options.trackChanges === true,
  };
}
