/**
 * The harness of the ported Heat functional tests: Heat's `HeatIntegrationTest` helpers
 * (`stack_create`, `update_stack`, `preview_update_stack`, `list_resources`, outputs, ...)
 * over a Converge engine on a manual-mode memory runtime with the `@converge/plugins` Heat
 * types. Each operation runs to its end (every queued check delivered), then the expected
 * status is asserted, as Heat's helpers wait for it.
 *
 * `OS::Heat::TestResource` waits on the runtime's virtual clock, so `wait_secs` costs no real
 * time. With `{ heldWaits: true }` a wait instead holds its check in progress until virtual
 * time reaches its end: the kit then runs checks side by side and, when nothing else can run,
 * moves the clock to the next wait's end (firing the timers due, such as a stack timeout) -
 * a discrete-event simulation of Heat's timing, for the tests that act while a resource is
 * `*_IN_PROGRESS` (cancel, simultaneous updates).
 */
import { AbortedError, createEngine, createMemoryRuntime } from "@converge/core";
import type { Engine, Logger, MemoryRuntime, PreviewResult, ResourceInfo, StackInfo, StackOperationOptions, Template } from "@converge/core";
import { None, RandomString, Value, createTestResourceType } from "@converge/plugins";
import { expect } from "vitest";

/** A logger that prints nothing. */
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** A template as Heat's tests give it: YAML/JSON text or an object. */
export type HeatTemplate = string | object;

/** Options of a create or update, as Heat's helpers take them. */
export interface HeatOperation {
  readonly parameters?: Readonly<Record<string, unknown>>;
  /** Heat's environment (a mapping, or a list merged in order). */
  readonly environment?: unknown;
  /** Heat's `files`: name → template text. */
  readonly files?: Readonly<Record<string, string>>;
  /** The state the operation must end in. @default CREATE_COMPLETE / UPDATE_COMPLETE */
  readonly expectedStatus?: string;
  /** @default true, as in Heat's test helpers */
  readonly disableRollback?: boolean;
  /** Heat's stack timeout, in minutes. */
  readonly timeout?: number;
  /**
   * Heat's PATCH update (`existing=True`): the template, environment and files of the last
   * operation are used again unless given, and the parameters are merged over the last ones.
   * Converge's API has no PATCH; the harness sends what Heat's server would have reused.
   */
  readonly existing?: boolean;
}

/** What the last create or update of a stack sent. */
interface Sent {
  readonly template: HeatTemplate;
  readonly op: HeatOperation;
}

/** Heat's `resource_changes` of an update preview. */
export interface ResourceChanges {
  readonly added: readonly string[];
  readonly unchanged: readonly string[];
  readonly updated: readonly string[];
  readonly replaced: readonly string[];
  readonly deleted: readonly string[];
}

/** The engine options of a Heat operation (environment and files pass through to the engine API). */
function engineOptions(op: HeatOperation): StackOperationOptions {
  const options: Record<string, unknown> = { disableRollback: op.disableRollback ?? true };
  if (op.parameters !== undefined) options.parameters = op.parameters;
  if (op.environment !== undefined) options.environment = op.environment;
  if (op.files !== undefined) options.files = op.files;
  if (op.timeout !== undefined) options.timeoutMs = op.timeout * 60_000;
  return options as StackOperationOptions;
}

/** A wait of a test resource held until virtual time reaches `until`. */
interface HeldWait {
  readonly until: number;
  readonly release: () => void;
}

/** Options of {@link HeatKit}. */
export interface HeatKitOptions {
  /** Hold each wait in progress until virtual time reaches its end (see the module comment). @default false */
  readonly heldWaits?: boolean;
}

/** Macrotask ticks a running check may take to finish or reach a wait before the kit gives up. */
const MAX_TICKS = 10_000;
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Heat's test helpers over one engine. */
export class HeatKit {
  readonly runtime: MemoryRuntime;
  readonly engine: Engine;
  #count = 0;
  readonly #sent = new Map<string, Sent>();
  readonly #held: boolean;
  readonly #waits = new Set<HeldWait>();
  readonly #running = new Set<Promise<unknown>>();

  constructor(options: HeatKitOptions = {}) {
    this.runtime = createMemoryRuntime({ mode: "manual" });
    this.#held = options.heldWaits === true;
    const runtime = this.runtime;
    const sleep = (ms: number, signal: AbortSignal): Promise<void> => (this.#held ? this.#holdWait(ms, signal) : runtime.clock.sleep(ms, signal));
    const TestResource = createTestResourceType({ sleep });
    this.engine = createEngine({ runtime, types: [TestResource, RandomString, None, Value], logger: silent });
  }

  #holdWait(ms: number, signal: AbortSignal): Promise<void> {
    if (ms === 0) return Promise.resolve();
    if (signal.aborted) return Promise.reject(new AbortedError("aborted"));
    return new Promise<void>((resolve, reject) => {
      const wait: HeldWait = {
        until: ms < 0 ? Number.POSITIVE_INFINITY : this.runtime.clock.now() + ms,
        release: () => {
          this.#waits.delete(wait);
          resolve();
        },
      };
      this.#waits.add(wait);
      signal.addEventListener(
        "abort",
        () => {
          this.#waits.delete(wait);
          reject(new AbortedError("aborted"));
        },
        { once: true },
      );
    });
  }

  /** Checks that are running (held in a wait, with `heldWaits`). */
  get running(): number {
    return this.#running.size;
  }

  /** Let the running checks go on until each has finished or waits. */
  async #quiesce(): Promise<void> {
    for (let i = 0; i < MAX_TICKS; i++) {
      if (this.#running.size <= this.#waits.size) return;
      await tick();
    }
    throw new Error("a running check neither finished nor waited");
  }

  /** Start the next queued check (side by side with held ones); false when none is queued. */
  async step(index?: number): Promise<boolean> {
    if (this.runtime.pending().length === 0) return false;
    const run: Promise<unknown> = this.runtime.step(index === undefined ? {} : { index }).finally(() => this.#running.delete(run));
    this.#running.add(run);
    await this.#quiesce();
    return true;
  }

  /** Move virtual time to the end of the earliest held wait (firing due timers) and release the waits due. */
  async #advance(): Promise<boolean> {
    const next = Math.min(...[...this.#waits].map((w) => w.until));
    if (!Number.isFinite(next)) return false;
    const now = this.runtime.clock.now();
    if (next > now) this.runtime.advanceTime(next - now);
    for (const wait of [...this.#waits]) if (wait.until <= this.runtime.clock.now()) wait.release();
    await this.#quiesce();
    return true;
  }

  /**
   * Run checks (and, with held waits, move time) until `predicate` holds.
   * @throws when nothing can run any more and it still does not hold.
   */
  async driveUntil(predicate: () => boolean | Promise<boolean>): Promise<void> {
    for (let i = 0; i < 100_000; i++) {
      await this.#quiesce();
      if (await predicate()) return;
      if (await this.step()) continue;
      if (!(await this.#advance())) throw new Error("nothing can run any more and the condition does not hold");
    }
    throw new Error("too many steps");
  }

  /** Deliver every queued check (with held waits: until nothing runs or waits, moving time as needed). */
  async settle(): Promise<void> {
    if (!this.#held) {
      await this.runtime.runUntilIdle({ maxSteps: 100_000 });
      return;
    }
    await this.driveUntil(() => this.runtime.pending().length === 0 && this.#running.size === 0);
  }

  /** Wait (driving the runtime) until the live row of `resource` is in `state` (Heat's `_wait_for_resource_status`). */
  async waitForResourceStatus(name: string, resource: string, state: string): Promise<void> {
    await this.driveUntil(async () => (await this.engine.listResources(name)).some((r) => r.name === resource && r.state === state));
  }

  /** `stack_create`: create, run to the end, expect `expectedStatus`; returns the stack name. */
  async stackCreate(template: HeatTemplate, op: HeatOperation = {}): Promise<string> {
    const name = `stack-${++this.#count}`;
    this.#sent.set(name, { template, op });
    await this.engine.createStack(name, template as Template, engineOptions(op));
    if (op.expectedStatus?.endsWith("_IN_PROGRESS") !== true) await this.settle();
    expect((await this.engine.getStack(name)).state).toBe(op.expectedStatus ?? "CREATE_COMPLETE");
    return name;
  }

  /** `update_stack`: update, run to the end, expect `expectedStatus` (a template of undefined needs `existing`). */
  async updateStack(name: string, template: HeatTemplate | undefined, op: HeatOperation = {}): Promise<StackInfo> {
    await this.startUpdate(name, template, op);
    if (op.expectedStatus?.endsWith("_IN_PROGRESS") !== true) await this.settle();
    const stack = await this.engine.getStack(name);
    expect(stack.state, stack.statusReason).toBe(op.expectedStatus ?? "UPDATE_COMPLETE");
    return stack;
  }

  /** Start an update without running it (see {@link updateStack}). */
  async startUpdate(name: string, template: HeatTemplate | undefined, op: HeatOperation = {}): Promise<void> {
    const last = this.#sent.get(name);
    let sent: Sent;
    if (op.existing === true && last !== undefined) {
      sent = {
        template: template ?? last.template,
        op: {
          ...op,
          parameters: { ...last.op.parameters, ...op.parameters },
          environment: op.environment ?? last.op.environment,
          files: op.files ?? last.op.files,
        },
      };
    } else {
      if (template === undefined) throw new Error("an update without a template needs existing: true");
      sent = { template, op };
    }
    this.#sent.set(name, sent);
    await this.engine.updateStack(name, sent.template as Template, engineOptions(sent.op));
  }

  /** `get_physical_resource_id`. */
  async physicalId(name: string, resource: string): Promise<string | null> {
    return (await this.resource(name, resource)).physicalId;
  }

  /** `preview_update_stack`: Heat's `resource_changes`, by resource name. */
  async previewUpdate(name: string, template: HeatTemplate, op: HeatOperation = {}): Promise<ResourceChanges> {
    return resourceChanges(await this.engine.previewUpdate(name, template as Template, engineOptions(op)));
  }

  /**
   * `list_resources`: name → type of the resources that are not deleted (one row per name),
   * of the stack `name` or of one of its nested stacks (`stack/group`, Heat's
   * `group_nested_identifier`): only the resources directly in it, by their own names. A
   * nested-stack resource is listed with its nested stack's type (`OS::Heat::ResourceGroup`).
   */
  async listResources(name: string, filter: (r: ResourceInfo) => boolean = () => true): Promise<Record<string, string>> {
    const cut = name.indexOf("/");
    const prefix = cut < 0 ? "" : `${name.slice(cut + 1)}/`;
    const rows = (await this.engine.listResources(name)).filter((r) => r.state !== "DELETE_COMPLETE" && filter(r));
    const out: Record<string, string> = {};
    for (const r of rows) {
      if (!r.name.startsWith(prefix)) continue;
      const own = r.name.slice(prefix.length);
      if (own.includes("/")) continue;
      if (Object.prototype.hasOwnProperty.call(out, own)) throw new Error(`several rows named ${r.name}`);
      out[own] = r.type;
    }
    return out;
  }

  /** `list_group_resources(minimal=False)`: the live rows directly in the nested stack `STACK/group`. */
  async groupRows(name: string, group: string): Promise<ResourceInfo[]> {
    const prefix = `${group}/`;
    return (await this.engine.listResources(`${name}/${group}`)).filter(
      (r) => r.state !== "DELETE_COMPLETE" && r.name.startsWith(prefix) && !r.name.slice(prefix.length).includes("/"),
    );
  }

  /** The live row of `resource` (a path inside nested stacks: `group/0/test1`). */
  async resource(name: string, resource: string): Promise<ResourceInfo> {
    const rows = (await this.engine.listResources(name)).filter((r) => r.name === resource && r.state !== "DELETE_COMPLETE");
    expect(rows.length, `live rows of ${resource}`).toBe(1);
    return rows[0] as ResourceInfo;
  }

  /** `_stack_output` / `output_show`. */
  async output(name: string, key: string): Promise<unknown> {
    const outputs = (await this.engine.getStack(name)).outputs;
    expect(Object.keys(outputs)).toContain(key);
    return outputs[key];
  }

  /** `cancel_update_stack`: cancel, run to the end, expect `expectedStatus`. */
  async cancelUpdate(name: string, rollback: boolean, expectedStatus: string): Promise<void> {
    await this.engine.cancelUpdate(name, { rollback });
    await this.settle();
    expect((await this.engine.getStack(name)).state).toBe(expectedStatus);
  }

  /** Heat's `stack.parameters`: the value of every parameter of the stack (and the pseudo-parameters). */
  async parameters(name: string): Promise<Readonly<Record<string, unknown>>> {
    return (await this.engine.getStack(name)).parameters;
  }

  /** Delete and run to the end. */
  async deleteStack(name: string): Promise<void> {
    await this.engine.deleteStack(name);
    await this.settle();
  }
}

/** Heat's `resource_changes` from a Converge preview. */
export function resourceChanges(preview: PreviewResult): ResourceChanges {
  const of = (...actions: string[]): string[] => preview.resources.filter((r) => actions.includes(r.action)).map((r) => r.name);
  return {
    added: of("create", "import"),
    unchanged: of("no_change"),
    updated: of("update"),
    replaced: of("replace"),
    deleted: of("delete"),
  };
}
