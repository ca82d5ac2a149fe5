/**
 * The scenario resource type of SCENARIOS.md, backed by a {@link Reality}, and `verify`, the
 * check that reality matches a template.
 */
import { z } from "zod";
import { UpdateReplace } from "../errors.js";
import { defineResourceType } from "../plugin/define-resource-type.js";
import type { ResourceType } from "../plugin/types.js";
import type { Template } from "../template/types.js";
import type { Reality } from "./reality.js";

/** Type name of the scenario resource type. */
export const SCENARIO_TYPE = "test:scenario:Resource";

const properties = z.object({
  a: z.string().optional(),
  b: z.string().optional(),
  c: z.string().optional(),
  ca: z.string().optional(),
  "!a": z.string().optional(),
  "!b": z.string().optional(),
});

/** Options of {@link createScenarioType}. */
export interface ScenarioTypeOptions {
  /** Type name. @default SCENARIO_TYPE */
  readonly typeName?: string;
  /** Offer `read` (resume after a crash by looking the resource up). @default true */
  readonly withRead?: boolean;
  /** Declare `idempotentCreate` (the create honours the idempotency key). @default true */
  readonly idempotent?: boolean;
  /** Whether blocked operations stop when their AbortSignal fires. @default true */
  readonly honourAbort?: boolean;
  /**
   * Record the physical id with `ctx.setPhysicalId` the moment the cloud returns it, before
   * the create returns (as a long-running create should): a crash after that point leaves the
   * engine knowing the resource even when it can neither read nor retry the create. @default false
   */
  readonly recordPhysicalIdEarly?: boolean;
}

const strip = (props: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));

/**
 * The scenario type: string properties `a b c ca !a !b` (a change to a `!` property needs
 * replacement), attributes `a` and `!a` equal to the properties.
 */
export function createScenarioType(reality: Reality, options: ScenarioTypeOptions = {}): ResourceType<typeof properties> {
  const honourAbort = options.honourAbort ?? true;
  const idempotent = options.idempotent ?? true;
  const read = async (ctx: { physicalId: string | null; idempotencyKey: string; resourceName: string }) => {
    reality.beforeRead(ctx.resourceName);
    const id = ctx.physicalId ?? reality.byKey.get(ctx.idempotencyKey) ?? reality.findByTag(ctx.idempotencyKey) ?? null;
    const entry = id === null ? undefined : reality.entries.get(id);
    return entry === undefined || id === null
      ? ({ exists: false } as const)
      : ({
          exists: true,
          physicalId: id,
          attributes: { a: entry.properties.a ?? null, "!a": entry.properties["!a"] ?? null },
          properties: { ...entry.properties },
        } as const);
  };
  return defineResourceType({
    type: options.typeName ?? SCENARIO_TYPE,
    description: "Scenario test resource backed by an in-memory reality",
    properties,
    attributes: ["a", "!a"],
    updatable: ["a", "b", "c", "ca"],
    idempotentCreate: idempotent,
    async create(ctx) {
      await reality.before("create", ctx.resourceName, ctx.signal, honourAbort);
      const props = strip(ctx.properties);
      const key = idempotent ? ctx.idempotencyKey : `${ctx.idempotencyKey}#${Math.random()}`;
      const physicalId = reality.create(ctx.stackName, ctx.resourceName, props, key, { rowId: ctx.rowId, tag: ctx.idempotencyKey });
      if (options.recordPhysicalIdEarly === true) await ctx.setPhysicalId(physicalId);
      return { physicalId, attributes: { a: props.a ?? null, "!a": props["!a"] ?? null } };
    },
    async update(ctx) {
      if (ctx.changed.some((p) => p.startsWith("!"))) throw new UpdateReplace();
      await reality.before("update", ctx.resourceName, ctx.signal, honourAbort);
      const props = strip(ctx.properties);
      reality.update(ctx.physicalId, props, ctx.rowId);
      return { attributes: { a: props.a ?? null, "!a": props["!a"] ?? null } };
    },
    async delete(ctx) {
      await reality.before("delete", ctx.resourceName, ctx.signal, honourAbort);
      if (ctx.physicalId !== null) reality.delete(ctx.physicalId, ctx.rowId);
    },
    ...(options.withRead === false ? {} : { read }),
  });
}

/** Outcome of {@link verify}. */
export interface VerifyResult {
  /** True when reality matches the template. */
  readonly ok: boolean;
  /** What does not match. */
  readonly problems: readonly string[];
}

/**
 * Check SCENARIOS.md's three rules: exactly one live entry per template name and none
 * outside it; every property has its resolved value (get_resource = the live physical id,
 * get_attr [X, p] = X's live property p); nothing stored beyond the template's properties.
 */
export function verify(reality: Reality, template: Template): VerifyResult {
  const problems: string[] = [];
  const resources = template.resources ?? {};
  const names = new Set(Object.keys(resources));
  const live = new Map<string, { physicalId: string; properties: Readonly<Record<string, unknown>> }>();
  for (const [physicalId, entry] of reality.entries) {
    if (!names.has(entry.name)) problems.push(`live entry ${physicalId} has name "${entry.name}" outside the template`);
    else if (live.has(entry.name)) problems.push(`more than one live entry named "${entry.name}"`);
    else live.set(entry.name, { physicalId, properties: entry.properties });
  }
  const resolve = (value: unknown): unknown => {
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      const obj = value as Record<string, unknown>;
      if ("get_resource" in obj) return live.get(String(obj.get_resource))?.physicalId;
      if ("get_attr" in obj && Array.isArray(obj.get_attr)) {
        const [name, prop] = obj.get_attr as [string, string];
        return live.get(name)?.properties[prop];
      }
    }
    return value;
  };
  for (const [name, def] of Object.entries(resources)) {
    const entry = live.get(name);
    if (entry === undefined) {
      problems.push(`no live entry named "${name}"`);
      continue;
    }
    const expected: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(def.properties ?? {})) expected[k] = resolve(v);
    const keys = new Set([...Object.keys(expected), ...Object.keys(entry.properties)]);
    for (const k of keys) {
      if (expected[k] !== entry.properties[k]) {
        problems.push(`${name}.${k}: expected ${JSON.stringify(expected[k])}, reality has ${JSON.stringify(entry.properties[k])}`);
      }
    }
  }
  return { ok: problems.length === 0, problems };
}
