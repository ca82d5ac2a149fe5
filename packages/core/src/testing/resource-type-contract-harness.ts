/**
 * The engine and the handler contexts the contract checks run with: a one-resource stack on
 * a manual-mode memory runtime (every check deterministic), a logger that records what the
 * engine and the plugin log, and contexts for calling handlers directly.
 */
import { randomUUID } from "node:crypto";
import { createEngine } from "../engine/create-engine.js";
import type { Engine } from "../engine/create-engine.js";
import type { StackInfo } from "../engine/stack-view.js";
import { InvalidOptionsError, PluginContractError, TemplateValidationError } from "../errors.js";
import { createMemoryRuntime } from "../memory/memory-runtime.js";
import type { MemoryRuntime } from "../memory/memory-runtime.js";
import type { ResourceRow, StackEvent } from "../model/types.js";
import { idempotencyKey } from "../protocol/invoke-plugin.js";
import type { AnyResourceType, BaseContext, Logger } from "../plugin/types.js";
import type { Template } from "../template/types.js";
import type { ContractProperties, ResolvedCases } from "./resource-type-contract-cases.js";

/** Name of the one resource of every contract stack. */
export const SUBJECT = "subject";

/** One line a logger received. */
export interface LogLine {
  readonly level: "debug" | "info" | "warn" | "error";
  readonly message: string;
  readonly fields: Record<string, unknown> | undefined;
}

/** A logger that keeps every line (and prints nothing). */
export function recordingLogger(lines: LogLine[]): Logger {
  const at =
    (level: LogLine["level"]) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, message, fields });
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

const silent: Logger = recordingLogger([]);

/**
 * A handler context for calling a type's handlers directly in a test: a fresh idempotency
 * key, a signal that never aborts and a silent logger unless `overrides` say otherwise.
 */
export function handlerContext(overrides: Partial<BaseContext> = {}): BaseContext {
  return {
    stackName: "contract",
    resourceName: SUBJECT,
    rowId: "1",
    signal: new AbortController().signal,
    deadline: undefined,
    logger: silent,
    idempotencyKey: `contract:${randomUUID()}`,
    ...overrides,
  };
}

/** Throw a contract violation of `type` found by `check`. */
export function violation(type: AnyResourceType, check: string, message: string): never {
  throw new PluginContractError(type.type, `[${check}] ${message}`);
}

/** Ask the cases' existence probe; undefined for a stateless type. */
export async function existsNow(
  type: AnyResourceType,
  resolved: ResolvedCases,
  physicalId: string,
  properties: Readonly<Record<string, unknown>>,
): Promise<boolean | undefined> {
  const mode = resolved.exists;
  if (mode === "stateless") return undefined;
  if (mode !== "read") return mode(physicalId, properties);
  const read = type.read?.bind(type);
  if (read === undefined) return undefined;
  const found = await read({ ...handlerContext(), physicalId, properties });
  return found.exists;
}

/** A one-resource stack of the type under test, on its own manual-mode memory runtime. */
export interface ContractStack {
  readonly runtime: MemoryRuntime;
  readonly engine: Engine;
  /** The stack's name. */
  readonly name: string;
  /** The stack's template for these subject properties. */
  template(properties: ContractProperties): Template;
  /** What the engine (and the plugin, through it) logged. */
  readonly logs: readonly LogLine[];
  /** Start creating the stack (through `via`, default this stack's engine) without running it. */
  begin(properties: ContractProperties, field: string, via?: Engine): Promise<void>;
  /** Create the stack with the subject's properties, run it to the end, and require `CREATE_COMPLETE`. */
  create(properties: ContractProperties, field: string): Promise<StackInfo>;
  /** Update the stack to new subject properties, run it to the end, require `UPDATE_COMPLETE`. */
  update(properties: ContractProperties, field: string): Promise<StackInfo>;
  /** Delete the stack and run it to the end; require it gone. */
  remove(): Promise<void>;
  /** The subject's rows that are not deleted (raw, secrets not redacted). */
  liveRows(): Promise<ResourceRow[]>;
  /** The one live subject row. */
  row(): Promise<ResourceRow>;
  /** The idempotency key the engine gives `row`'s create. */
  idempotencyKey(row: ResourceRow): string;
  /** Every event of the stack so far (also after it was deleted). */
  events(): Promise<StackEvent[]>;
  /** Delete the stack if it still exists (best effort), then release the engine. */
  close(): Promise<void>;
}

/** Run a start; a template the compiler refuses is the cases' fault (the field that gave the properties). */
async function startWith<T>(field: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof TemplateValidationError) throw new InvalidOptionsError(field, `the template compiler rejects these properties: ${error.message}`);
    throw error;
  }
}

/** Delete the stack if it still exists (best effort), then release the engine and the runtime. */
async function closeStack(runtime: MemoryRuntime, engine: Engine, name: string): Promise<void> {
  try {
    if ((await engine.listStacks()).includes(name)) {
      await engine.deleteStack(name);
      await runtime.runUntilIdle({ maxSteps: 10_000 });
    }
  } catch {
    // Best effort: a check that failed may leave the stack in any state.
  } finally {
    await engine.close();
    await runtime.close();
  }
}

let stacks = 0;

/** Build a {@link ContractStack} for one check. */
export function contractStack(type: AnyResourceType, resolved: ResolvedCases, check: string, engineTypes?: readonly AnyResourceType[]): ContractStack {
  const logs: LogLine[] = [];
  const runtime = createMemoryRuntime({ mode: "manual" });
  const engine = createEngine({
    runtime,
    types: engineTypes ?? [type, ...(resolved.cases.types ?? [])],
    engineId: "contract",
    logger: recordingLogger(logs),
  });
  const name = `contract-${++stacks}`;
  let stackId: string | null = null;
  const template = (properties: ContractProperties): Template => ({
    heat_template_version: "2018-08-31",
    resources: { [SUBJECT]: { type: type.type, properties: { ...properties } } },
  });
  const settle = async (what: string): Promise<void> => {
    await runtime.runUntilIdle({ maxSteps: 10_000 });
    if (runtime.pending().length > 0) violation(type, check, `the ${what} did not settle within 10000 checks`);
  };
  const failure = async (): Promise<string> => {
    const rows = stackId === null ? [] : await runtime.store.loadRows(stackId);
    const failed = rows.find((r) => r.status === "FAILED");
    return failed === undefined ? "" : ` (${failed.name} ${failed.action}_FAILED: ${failed.statusReason})`;
  };
  const options = { disableRollback: true };
  const begin = async (properties: ContractProperties, field: string, via: Engine = engine): Promise<void> => {
    await startWith(field, () => via.createStack(name, template(properties), options));
    stackId = await runtime.store.findStackId(name);
  };
  const converge = async (action: "create" | "update", properties: ContractProperties, field: string): Promise<StackInfo> => {
    if (action === "create") await begin(properties, field);
    else await startWith(field, () => engine.updateStack(name, template(properties), options));
    await settle(`stack ${action}`);
    const info = await engine.getStack(name);
    const want = action === "create" ? "CREATE_COMPLETE" : "UPDATE_COMPLETE";
    if (info.state !== want) violation(type, check, `the stack ${action} ended ${info.state}: ${info.statusReason}${await failure()}`);
    return info;
  };
  const liveRows = async (): Promise<ResourceRow[]> => {
    const rows = stackId === null ? [] : await runtime.store.loadRows(stackId);
    return rows.filter((r) => r.name === SUBJECT && !(r.action === "DELETE" && r.status === "COMPLETE"));
  };
  return {
    runtime,
    engine,
    name,
    template,
    logs,
    begin,
    create: (properties, field) => converge("create", properties, field),
    update: (properties, field) => converge("update", properties, field),
    async remove() {
      await engine.deleteStack(name);
      await settle("stack delete");
      if ((await engine.listStacks()).includes(name)) {
        const info = await engine.getStack(name);
        violation(type, check, `the stack delete ended ${info.state}: ${info.statusReason}${await failure()}`);
      }
    },
    liveRows,
    async row() {
      const rows = await liveRows();
      if (rows.length !== 1) violation(type, check, `expected one live resource row, found ${rows.length}`);
      return rows[0] as ResourceRow;
    },
    idempotencyKey(row) {
      if (stackId === null) violation(type, check, "the stack was never created");
      return idempotencyKey(stackId, row.id);
    },
    async events() {
      return stackId === null ? [] : runtime.store.readEvents(stackId, null);
    },
    close: () => closeStack(runtime, engine, name),
  };
}
