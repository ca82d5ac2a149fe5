/**
 * The harness of the ported Heat functional tests: Heat's `HeatIntegrationTest` helpers
 * (`stack_create`, `update_stack`, `preview_update_stack`, `list_resources`, outputs, ...)
 * over a Converge engine on a manual-mode memory runtime with the `@converge/plugins` Heat
 * types. Each operation runs to its end (every queued check delivered), then the expected
 * status is asserted, as Heat's helpers wait for it.
 *
 * `OS::Heat::TestResource` waits on the runtime's virtual clock, so `wait_secs` costs no real
 * time; tests that need an operation to be in progress step the runtime themselves.
 */
import { createEngine, createMemoryRuntime } from "@converge/core";
import type { Engine, Logger, MemoryRuntime, PreviewResult, ResourceInfo, StackInfo, StackOperationOptions, Template } from "@converge/core";
import { None, RandomString, Value, createTestResourceType } from "@converge/plugins";
import { expect } from "vitest";

/** A logger that prints nothing. */
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** A template as Heat's tests give it: YAML/JSON text or an object. */
export type HeatTemplate = string | Template | Record<string, unknown>;

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
  return options as StackOperationOptions;
}

/** Heat's test helpers over one engine. */
export class HeatKit {
  readonly runtime: MemoryRuntime;
  readonly engine: Engine;
  #count = 0;
  readonly #sent = new Map<string, Sent>();

  constructor() {
    this.runtime = createMemoryRuntime({ mode: "manual" });
    const runtime = this.runtime;
    const TestResource = createTestResourceType({ sleep: (ms, signal) => runtime.clock.sleep(ms, signal) });
    this.engine = createEngine({ runtime, types: [TestResource, RandomString, None, Value], logger: silent });
  }

  /** Deliver every queued check. */
  async settle(): Promise<void> {
    await this.runtime.runUntilIdle({ maxSteps: 100_000 });
  }

  /** `stack_create`: create, run to the end, expect `expectedStatus`; returns the stack name. */
  async stackCreate(template: HeatTemplate, op: HeatOperation = {}): Promise<string> {
    const name = `stack-${++this.#count}`;
    this.#sent.set(name, { template, op });
    await this.engine.createStack(name, template as Template, engineOptions(op));
    await this.settle();
    expect((await this.engine.getStack(name)).state).toBe(op.expectedStatus ?? "CREATE_COMPLETE");
    return name;
  }

  /** `update_stack`: update, run to the end, expect `expectedStatus` (a template of undefined needs `existing`). */
  async updateStack(name: string, template: HeatTemplate | undefined, op: HeatOperation = {}): Promise<StackInfo> {
    await this.startUpdate(name, template, op);
    await this.settle();
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

  /** `list_resources`: name → type of the resources that are not deleted (one row per name). */
  async listResources(name: string, filter: (r: ResourceInfo) => boolean = () => true): Promise<Record<string, string>> {
    const rows = (await this.engine.listResources(name)).filter((r) => r.state !== "DELETE_COMPLETE" && filter(r));
    const out: Record<string, string> = {};
    for (const r of rows) {
      if (Object.prototype.hasOwnProperty.call(out, r.name)) throw new Error(`several rows named ${r.name}`);
      out[r.name] = r.type;
    }
    return out;
  }

  /** The live row of `resource`. */
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
