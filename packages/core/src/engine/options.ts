/**
 * Engine and stack-operation options, documented with their defaults and compiled once into
 * resolved options (nothing downstream reads raw options).
 */
import { randomUUID } from "node:crypto";
import { InvalidOptionsError } from "../errors.js";
import type { ReconcilePolicy, StackOptions } from "../model/types.js";
import type { TypeRegistry } from "../plugin/registry.js";
import { createTypeRegistry } from "../plugin/registry.js";
import type { AnyResourceType, Logger } from "../plugin/types.js";
import type { RetryPolicy } from "../protocol/env.js";
import type { Runtime } from "../runtime/contract.js";
import type { CompositionLimits } from "../template/compose/context.js";
import type { EnvironmentInput } from "../template/compose/environment.js";
import type { TemplateFiles } from "../template/compose/files.js";
import { NestedStackType } from "../template/compose/nested-type.js";
import { PAUSE_TYPE, createPauseType } from "../template/compose/pause-type.js";

/** Options of `createEngine`. */
export interface EngineOptions {
  /** The runtime (memory or Redis) holding state and delivering checks. */
  readonly runtime: Runtime;
  /** Resource types this engine can orchestrate (a list, or a module's exports). */
  readonly types: readonly AnyResourceType[] | Readonly<Record<string, AnyResourceType>>;
  /** Engine id: lock holder name and liveness lease. @default `engine-<uuid>` */
  readonly engineId?: string;
  /** Logger. @default a logger that prints warnings and errors to the console */
  readonly logger?: Logger;
  /** Retries of retryable plugin errors. @default { maxAttempts: 4, initialDelayMs: 200, maxDelayMs: 10000, backoffFactor: 2 } */
  readonly retry?: Partial<RetryPolicy>;
  /** Interval of the stalled-traversal watchdog, ms. @default 30000 */
  readonly watchdogIntervalMs?: number;
  /**
   * Whether this engine also processes checks (a worker). Set false for an API-only client of
   * a shared runtime. @default true
   */
  readonly worker?: boolean;
  /** Concurrent checks when processing. @default 16 */
  readonly concurrency?: number;
  /** What templates read as `OS::project_id`. @default "converge" */
  readonly projectId?: string;
  /** Limits of template composition (nesting depth, expanded size). @default { maxNestingDepth: 10, maxResources: 200000 } */
  readonly compositionLimits?: Partial<CompositionLimits>;
}

/** Options of a stack create or update. */
export interface StackOperationOptions {
  /** Template parameter values (they win over the environment's `parameters`). @default {} */
  readonly parameters?: Readonly<Record<string, unknown>>;
  /**
   * Heat environment(s) (`parameters`, `parameter_defaults`, `resource_registry`): one, or a
   * list merged in order like several `-e` files. Stored with the stack: `updateStack` without
   * it keeps the previous one; `[]` clears it. @default none
   */
  readonly environment?: EnvironmentInput;
  /**
   * Files by name (template text or parsed objects) for template resources (`type: db.yaml`),
   * registry entries and `get_file`. Stored with the stack: `updateStack` without it keeps the
   * previous files; `{}` clears them. @default {}
   */
  readonly files?: TemplateFiles;
  /** Do not roll back automatically on failure. @default false */
  readonly disableRollback?: boolean;
  /** Timeout of the traversal in ms; null for none. @default null */
  readonly timeoutMs?: number | null;
  /**
   * `updateStack` and `previewUpdate` only (Heat's `--converge`): read every resource that
   * has `read` first, and update a drifted one back to the template and re-create a missing
   * one, even when the template did not change. Not kept for later updates. @default false
   */
  readonly converge?: boolean;
  /**
   * Continuous reconciliation (opt-in): every `every` (ms, or text like "90s", "10m", "1h";
   * at least 1 s) the runtime checks the stack (`report`: drift as events) or converges it
   * back to its template (`repair`), at a per-stack offset within the interval, skipping a
   * run while a traversal is in flight. `null` removes the policy; `updateStack` without it
   * keeps the previous one. @default none
   */
  readonly reconcile?: { readonly every: string | number; readonly mode: "report" | "repair" } | null;
}

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Validate a reconciliation policy into its stored form. @throws InvalidOptionsError */
export function resolveReconcile(input: StackOperationOptions["reconcile"]): ReconcilePolicy | null {
  if (input === undefined || input === null) return null;
  if (typeof input !== "object") throw new InvalidOptionsError("reconcile", "must be { every, mode } or null");
  if (input.mode !== "report" && input.mode !== "repair") throw new InvalidOptionsError("reconcile.mode", `must be "report" or "repair", got ${String(input.mode)}`);
  let everyMs: number = Number.NaN;
  if (typeof input.every === "number") everyMs = input.every;
  else if (typeof input.every === "string") {
    const match = /^(\d+)(ms|s|m|h|d)$/.exec(input.every.trim());
    if (match !== null) everyMs = Number(match[1]) * (UNITS[match[2] as string] as number);
  }
  if (!Number.isInteger(everyMs) || everyMs < 1000) {
    throw new InvalidOptionsError("reconcile.every", `must be a whole number of ms >= 1000 or text like "30s", "10m", "1h", got ${String(input.every)}`);
  }
  return { everyMs, mode: input.mode };
}

/** Engine options after validation and defaults. */
export interface ResolvedEngineOptions {
  readonly runtime: Runtime;
  readonly types: TypeRegistry;
  readonly engineId: string;
  readonly logger: Logger;
  readonly retry: RetryPolicy;
  readonly watchdogIntervalMs: number;
  readonly worker: boolean;
  readonly concurrency: number;
  readonly projectId: string;
  readonly compositionLimits: Partial<CompositionLimits>;
}

/** The default logger: warnings and errors to the console. */
export const consoleLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (m, f) => console.warn(`[converge] ${m}`, f ?? ""),
  error: (m, f) => console.error(`[converge] ${m}`, f ?? ""),
};

const positive = (field: string, value: number | undefined, fallback: number, min = 1): number => {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
    throw new InvalidOptionsError(field, `must be a number >= ${min}, got ${String(value)}`);
  }
  return value;
};

/** The types plus the internal ones of composition (nested-stack nodes, pauses) unless given. */
function withInternalTypes(list: readonly AnyResourceType[], runtime: Runtime): AnyResourceType[] {
  const out = [...list];
  const has = (name: string): boolean => list.some((t: AnyResourceType | undefined) => t?.type === name);
  if (!has(NestedStackType.type)) out.push(NestedStackType);
  if (!has(PAUSE_TYPE)) out.push(createPauseType((ms, signal) => runtime.sleep(ms, signal)));
  return out;
}

/** Validate engine options and apply defaults. @throws InvalidOptionsError naming the field. */
export function resolveEngineOptions(options: EngineOptions): ResolvedEngineOptions {
  if (typeof options !== "object" || options === null) throw new InvalidOptionsError("options", "must be an object");
  const runtime = options.runtime;
  if (typeof runtime !== "object" || runtime === null || typeof runtime.enqueue !== "function") {
    throw new InvalidOptionsError("runtime", "must be a runtime (createMemoryRuntime() or createRedisRuntime())");
  }
  if (options.types === undefined) throw new InvalidOptionsError("types", "is required (a list of resource types)");
  if (options.engineId !== undefined && (typeof options.engineId !== "string" || options.engineId === "")) {
    throw new InvalidOptionsError("engineId", "must be a non-empty string");
  }
  const retry = options.retry ?? {};
  if (options.projectId !== undefined && (typeof options.projectId !== "string" || options.projectId === "")) {
    throw new InvalidOptionsError("projectId", "must be a non-empty string");
  }
  const limits = options.compositionLimits ?? {};
  const list = Array.isArray(options.types) ? options.types : Object.values(options.types);
  return {
    runtime,
    // The internal node of nested stacks is a type of every engine.
    types: createTypeRegistry(withInternalTypes(list, runtime)),
    projectId: options.projectId ?? "converge",
    compositionLimits: {
      ...(limits.maxNestingDepth === undefined ? {} : { maxNestingDepth: positive("compositionLimits.maxNestingDepth", limits.maxNestingDepth, 1, 0) }),
      ...(limits.maxResources === undefined ? {} : { maxResources: positive("compositionLimits.maxResources", limits.maxResources, 1) }),
    },
    engineId: options.engineId ?? `engine-${randomUUID()}`,
    logger: options.logger ?? consoleLogger,
    retry: {
      maxAttempts: positive("retry.maxAttempts", retry.maxAttempts, 4),
      initialDelayMs: positive("retry.initialDelayMs", retry.initialDelayMs, 200, 0),
      maxDelayMs: positive("retry.maxDelayMs", retry.maxDelayMs, 10_000, 0),
      backoffFactor: positive("retry.backoffFactor", retry.backoffFactor, 2),
    },
    watchdogIntervalMs: positive("watchdogIntervalMs", options.watchdogIntervalMs, 30_000),
    worker: options.worker ?? true,
    concurrency: positive("concurrency", options.concurrency, 16),
  };
}

/** Validate stack operation options into the stored form. @throws InvalidOptionsError */
export function resolveStackOptions(options: StackOperationOptions | undefined): StackOptions {
  const o = options ?? {};
  const parameters = o.parameters ?? {};
  if (typeof parameters !== "object" || parameters === null || Array.isArray(parameters)) {
    throw new InvalidOptionsError("parameters", "must be an object of parameter values");
  }
  if (o.converge !== undefined && typeof o.converge !== "boolean") throw new InvalidOptionsError("converge", "must be a boolean");
  if (o.disableRollback !== undefined && typeof o.disableRollback !== "boolean") {
    throw new InvalidOptionsError("disableRollback", "must be a boolean");
  }
  const timeoutMs = o.timeoutMs === undefined || o.timeoutMs === null ? null : positive("timeoutMs", o.timeoutMs, 0);
  const reconcile = resolveReconcile(o.reconcile);
  const files = o.files ?? {};
  if (typeof files !== "object" || files === null || Array.isArray(files)) throw new InvalidOptionsError("files", "must be an object of file name to text or template object");
  const environment = o.environment === undefined || o.environment === null ? [] : Array.isArray(o.environment) ? [...(o.environment as unknown[])] : [o.environment];
  return {
    parameters,
    disableRollback: o.disableRollback ?? false,
    timeoutMs,
    ...(reconcile === null ? {} : { reconcile }),
    ...(environment.length === 0 ? {} : { environment }),
    ...(Object.keys(files).length === 0 ? {} : { files }),
  };
}
