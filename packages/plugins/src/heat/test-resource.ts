/**
 * `OS::Heat::TestResource`: Heat's test resource, with its knobs. It stores `value` (exposed
 * as the `output` attribute), can wait before finishing an action, can be told to fail, and
 * can be told to need replacement - the tool Heat's own functional tests build stacks from.
 */
import { ResourceError, UpdateReplace, defineResourceType } from "@converge/core";
import type { ResourceType } from "@converge/core";
import { z } from "zod";
import { physicalResourceName } from "../support/physical-name.js";
import type { Sleep } from "../support/sleep.js";
import { realSleep } from "../support/sleep.js";
import { heatBoolean, heatNumber, heatString } from "./heat-schema.js";

/** Type name of {@link TestResource}. */
export const TEST_RESOURCE_TYPE = "OS::Heat::TestResource";

const waitSeconds = heatNumber().optional();

const properties = z.object({
  /** The string to store; the `output` attribute. */
  value: heatString().default("test_string"),
  /** When true, any change replaces the resource (Heat: a `value` change then needs replacement). */
  update_replace: heatBoolean().default(false),
  /** A value that can be stored but not updated: changing it replaces the resource. */
  update_replace_value: heatString().optional(),
  /** Make create and update fail (after their wait). Delete never fails. */
  fail: heatBoolean().default(false),
  /** Seconds each action waits before finishing; -1 waits until cancelled. */
  wait_secs: heatNumber().default(0),
  /** Per-action waits overriding `wait_secs`. */
  action_wait_secs: z
    .object({ create: waitSeconds, update: waitSeconds, delete: waitSeconds })
    .partial()
    .optional(),
  /** Seconds resolving the `output` attribute takes. */
  attr_wait_secs: heatNumber().default(0),
  /** Accepted for compatibility (Heat: delay of a custom constraint); ignored. */
  constraint_prop_secs: heatNumber().default(0),
  /** Accepted for compatibility (Heat polls this client while waiting); ignored. */
  client_name: heatString().default(""),
  /** Accepted for compatibility (Heat polls this client entity while waiting); ignored. */
  entity_name: heatString().default(""),
});

/** Resolved properties of {@link TestResource}. */
export type TestResourceProperties = z.output<typeof properties>;

/** Options of {@link createTestResourceType}. */
export interface TestResourceOptions {
  /**
   * How waits are performed. Inject a fake to test waits without sleeping.
   * @default a real timer that stops when the operation's AbortSignal aborts
   */
  readonly sleep?: Sleep;
  /** Type name. @default "OS::Heat::TestResource" */
  readonly type?: string;
}

/** Seconds the action waits: `action_wait_secs[action]`, else `wait_secs`. */
export function testResourceWaitSecs(props: TestResourceProperties, action: "create" | "update" | "delete"): number {
  return props.action_wait_secs?.[action] ?? props.wait_secs;
}

/** Whether an update from `oldProps` to `newProps` replaces the resource (see the type's doc). */
export function testResourceNeedsReplace(oldProps: TestResourceProperties, newProps: TestResourceProperties, changed: readonly string[]): boolean {
  if (changed.length === 0) return false;
  return newProps.update_replace || (oldProps.update_replace_value ?? null) !== (newProps.update_replace_value ?? null);
}

const changedKeys = (a: Record<string, unknown>, b: Record<string, unknown>): string[] =>
  [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));

/**
 * Build an `OS::Heat::TestResource` type (a custom `sleep` makes waits testable).
 *
 * - properties: `value` (default `test_string`), `update_replace`, `update_replace_value`,
 *   `fail`, `wait_secs` (-1 = until cancelled), `action_wait_secs` {create, update, delete},
 *   `attr_wait_secs` (time resolving `output` takes); `client_name`, `entity_name`, `constraint_prop_secs` are accepted and ignored.
 * - attribute `output`: the stored `value`. The physical id is `<stack>-<resource>-<short id>`.
 * - replacement: a change while the new `update_replace` is true, or a change of `update_replace_value`.
 * - `fail: true` fails create and update after their wait; waits honour the AbortSignal.
 */
export function createTestResourceType(options: TestResourceOptions = {}): ResourceType<typeof properties, "output"> {
  const sleep = options.sleep ?? realSleep;
  const wait = async (secs: number, signal: AbortSignal): Promise<void> => {
    if (secs !== 0) await sleep(secs < 0 ? -1 : secs * 1000, signal);
  };
  const failure = (resourceName: string): ResourceError => new ResourceError(`Test Resource failed ${resourceName}`);
  return defineResourceType({
    type: options.type ?? TEST_RESOURCE_TYPE,
    description: "Heat's test resource: stores a value, can wait, fail or need replacement on demand",
    properties,
    attributes: { output: "The stored value (also the resource's reference)." },
    idempotentCreate: true,
    async create(ctx) {
      await wait(testResourceWaitSecs(ctx.properties, "create"), ctx.signal);
      if (ctx.properties.fail) throw failure(ctx.resourceName);
      const physicalId = physicalResourceName(ctx);
      await wait(ctx.properties.attr_wait_secs, ctx.signal);
      return { physicalId, attributes: { output: ctx.properties.value } };
    },
    async update(ctx) {
      if (testResourceNeedsReplace(ctx.oldProperties, ctx.properties, ctx.changed)) throw new UpdateReplace(`${ctx.resourceName} needs replacement`);
      const valueChanged = ctx.changed.includes("value");
      await wait(valueChanged ? testResourceWaitSecs(ctx.properties, "update") : 0, ctx.signal);
      if (ctx.properties.fail) throw failure(ctx.resourceName);
      await wait(ctx.properties.attr_wait_secs, ctx.signal);
      return { attributes: { output: ctx.properties.value } };
    },
    async delete(ctx) {
      // A row whose create never succeeded has no stored properties: no wait then.
      const props: Partial<TestResourceProperties> = ctx.properties;
      await wait(props.action_wait_secs?.delete ?? props.wait_secs ?? 0, ctx.signal);
    },
    diff(oldProps, newProps) {
      const changed = changedKeys(oldProps, newProps);
      if (changed.length === 0) return "none";
      return testResourceNeedsReplace(oldProps, newProps, changed) ? "replace" : "update";
    },
    async getAttribute(ctx, name) {
      await wait(ctx.properties.attr_wait_secs, ctx.signal);
      return name === "output" ? ctx.properties.value : null;
    },
  });
}

/** `OS::Heat::TestResource` with real (abortable) waits. See {@link createTestResourceType}. */
export const TestResource = createTestResourceType();
