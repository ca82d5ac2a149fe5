/**
 * `OS::Heat::TestResource`: Heat's test resource, with its knobs. It stores `value` (the
 * `output` attribute), can wait before an action completes, can be told to fail, and can be
 * told to need replacement - what Heat's own functional tests build their stacks from.
 */
import { ResourceError, UpdateReplace, defineResourceType } from "@converge/core";
import type { ResourceType } from "@converge/core";
import { z } from "zod";
import { checkOptions, functionOption, typeNameOption } from "../support/options.js";
import { physicalResourceName } from "../support/physical-name.js";
import type { Sleep } from "../support/sleep.js";
import { realSleep } from "../support/sleep.js";
import { heatBoolean, heatNumber, heatString } from "./heat-schema.js";

/** Type name of {@link TestResource}. */
export const TEST_RESOURCE_TYPE = "OS::Heat::TestResource";

const properties = z.object({
  /** The string to store; the `output` attribute. */
  value: heatString().default("test_string"),
  /** With true, a change of `value` replaces the resource instead of updating it. */
  update_replace: heatBoolean().default(false),
  /** A value that can be stored but not updated: any change of it replaces the resource. */
  update_replace_value: heatString().optional(),
  /** Make create, and any update, fail after its wait. Delete never fails. */
  fail: heatBoolean().default(false),
  /** Seconds an action waits before it completes; -1 waits until the operation is aborted. */
  wait_secs: heatNumber().default(0),
  /** Per-action waits, each defaulting to `wait_secs`. */
  action_wait_secs: z
    .strictObject({ create: heatNumber().optional(), update: heatNumber().optional(), delete: heatNumber().optional() })
    .optional(),
  /** Seconds resolving the `output` attribute takes. */
  attr_wait_secs: heatNumber().default(0),
  /** Accepted for compatibility (Heat: delay of a custom constraint check); ignored. */
  constraint_prop_secs: heatNumber().default(0),
  /** Accepted for compatibility (Heat polls this client while waiting); ignored. */
  client_name: heatString().default(""),
  /** Accepted for compatibility (Heat polls this client entity while waiting); ignored. */
  entity_name: heatString().default(""),
});

/** Resolved properties of {@link TestResource}. */
export type TestResourceProperties = z.output<typeof properties>;

/** The actions a test resource waits in. */
export type TestResourceAction = "create" | "update" | "delete";

/** Options of {@link createTestResourceType}. */
export interface TestResourceOptions {
  /**
   * How waits are performed; inject a fake to test waits without sleeping. It receives the
   * milliseconds (negative: until aborted) and the operation's signal.
   * @default a real timer that stops when the operation's AbortSignal aborts
   */
  readonly sleep?: Sleep;
  /** Type name. @default "OS::Heat::TestResource" */
  readonly type?: string;
}

/** Seconds `action` waits: `action_wait_secs[action]` when given, else `wait_secs` (Heat's rule). */
export function testResourceWaitSecs(props: Partial<TestResourceProperties>, action: TestResourceAction): number {
  return props.action_wait_secs?.[action] ?? props.wait_secs ?? 0;
}

/**
 * Whether an update from `oldProps` to `newProps` replaces the resource, as in Heat: a change
 * of `update_replace_value` (not updatable), or a change of `value` while the new
 * `update_replace` is true. Every other change is made in place.
 */
export function testResourceNeedsReplace(oldProps: TestResourceProperties, newProps: TestResourceProperties): boolean {
  if (oldProps.update_replace_value !== newProps.update_replace_value) return true;
  return oldProps.value !== newProps.value && newProps.update_replace;
}

const changedKeys = (a: Record<string, unknown>, b: Record<string, unknown>): string[] =>
  [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));

const UPDATABLE = Object.keys(properties.shape).filter((p) => p !== "update_replace_value");

/**
 * Build an `OS::Heat::TestResource` type (a custom `sleep` makes waits testable).
 *
 * - properties: `value` (default `test_string`), `update_replace`, `update_replace_value`,
 *   `fail`, `wait_secs` (-1 = until aborted), `action_wait_secs` {create, update, delete},
 *   `attr_wait_secs`; `client_name`, `entity_name` and `constraint_prop_secs` are accepted
 *   and ignored.
 * - attribute `output`: the stored `value`. The physical id (and `get_resource`) is
 *   `<stack>-<resource>-<short id>`, recorded before the create's wait starts.
 * - replacement: see {@link testResourceNeedsReplace}; everything else updates in place.
 * - waits and failures as in Heat: create waits, then fails when `fail` is true; an update
 *   waits only when it changes `value` (other changes complete at once), then fails when
 *   `fail` is true, whatever changed; delete waits and never fails. Waits honour the operation's AbortSignal.
 * - no `read`: it stands for a remote resource but has nothing to observe, so a drift check
 *   reports it unchecked (Heat's stack check: "CHECK not supported") rather than in sync, and
 *   a crash during a create's wait resumes by running the create again (its wait and `fail`
 *   included), never by adopting a half-made resource.
 * @throws InvalidOptionsError on a bad option.
 */
export function createTestResourceType(options?: TestResourceOptions): ResourceType<typeof properties, "output"> {
  const opts = checkOptions(options, "createTestResourceType", ["sleep", "type"]);
  const sleep = functionOption<Sleep>(opts, "sleep", realSleep);
  const wait = async (secs: number, signal: AbortSignal): Promise<void> => {
    if (secs !== 0) await sleep(secs < 0 ? -1 : secs * 1000, signal);
  };
  const failure = (resourceName: string): ResourceError => new ResourceError(`Test Resource failed ${resourceName}`);
  return defineResourceType({
    type: typeNameOption(opts, TEST_RESOURCE_TYPE),
    description: "Heat's test resource: stores a value, can wait, fail or need replacement on demand",
    properties,
    attributes: { output: "The stored value." },
    updatable: UPDATABLE,
    idempotentCreate: true,
    async create(ctx) {
      const props = ctx.properties;
      const secs = testResourceWaitSecs(props, "create");
      const physicalId = physicalResourceName(ctx);
      // Heat records the id before waiting; a crash during the wait then resumes this create.
      if (!props.fail && secs !== 0) await ctx.setPhysicalId(physicalId);
      await wait(secs, ctx.signal);
      if (props.fail) throw failure(ctx.resourceName);
      await wait(props.attr_wait_secs, ctx.signal);
      return { physicalId, attributes: { output: props.value } };
    },
    async update(ctx) {
      if (testResourceNeedsReplace(ctx.oldProperties, ctx.properties)) {
        throw new UpdateReplace(`${ctx.resourceName}: the change of ${ctx.changed.join(", ")} needs replacement`);
      }
      // As in Heat: only a change of `value` waits, but any update with `fail` fails.
      if (ctx.changed.includes("value")) await wait(testResourceWaitSecs(ctx.properties, "update"), ctx.signal);
      if (ctx.properties.fail) throw failure(ctx.resourceName);
      await wait(ctx.properties.attr_wait_secs, ctx.signal);
      return { attributes: { output: ctx.properties.value } };
    },
    async delete(ctx) {
      // A row whose create never succeeded has no stored properties: the defaults apply.
      await wait(testResourceWaitSecs(ctx.properties, "delete"), ctx.signal);
    },
    diff(oldProps, newProps) {
      if (changedKeys(oldProps, newProps).length === 0) return "none";
      return testResourceNeedsReplace(oldProps, newProps) ? "replace" : "update";
    },
    async getAttribute(ctx, name) {
      await wait(ctx.properties.attr_wait_secs, ctx.signal);
      return name === "output" ? ctx.properties.value : null;
    },
  });
}

/** `OS::Heat::TestResource` with real (abortable) waits. See {@link createTestResourceType}. */
export const TestResource = createTestResourceType();
