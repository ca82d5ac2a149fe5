/**
 * Contract checks of a resource type's safety: a create interrupted by a crash and resumed
 * makes one resource, the AbortSignal stops a hanging call, secrets stay out of events, logs
 * and `listResources`.
 */
import { createEngine } from "../engine/create-engine.js";
import { REDACTED } from "../engine/stack-view.js";
import { InvalidOptionsError } from "../errors.js";
import { defineResourceType } from "../plugin/define-resource-type.js";
import type { AnyResourceType } from "../plugin/types.js";
import type { ContractProperties, ResolvedCases } from "./resource-type-contract-cases.js";
import { caseProperties, parseCase } from "./resource-type-contract-cases.js";
import { contractStack, existsNow, handlerContext, violation } from "./resource-type-contract-harness.js";

/** Check names, as registered. */
export const SAFETY_CHECKS = {
  idempotentCreate: "a create retried with the same idempotency key does not create twice",
  abort: "honours the AbortSignal",
  secrets: "never shows secret properties in events, logs or listResources",
} as const;

/** `type` with its `create` calls recorded (their physical ids, once they return). */
function recordingCreates(type: AnyResourceType): { type: AnyResourceType; returned: string[] } {
  const returned: string[] = [];
  const create = type.create.bind(type);
  const wrapped = defineResourceType({
    ...type,
    async create(ctx) {
      const result = await create(ctx);
      returned.push(result.physicalId);
      return result;
    },
  });
  return { type: wrapped, returned };
}

/**
 * Kill the engine right after `create` returned, before the engine recorded the result, then
 * let a second engine resume the create (through `read`, or a retry with the same
 * idempotency key). One resource must result, and the stack delete must leave nothing.
 */
export async function checkIdempotentCreate(type: AnyResourceType, resolved: ResolvedCases): Promise<void> {
  const check = SAFETY_CHECKS.idempotentCreate;
  const given = caseProperties(resolved.cases.create, "cases.create");
  const expected = parseCase(type, given, "cases.create");
  const CRASHING = "contract-crashing";
  // Crash one store operation later each round, until the crash comes after create returned.
  for (let crashAfterOps = 1; crashAfterOps <= 200; crashAfterOps++) {
    const recorded = recordingCreates(type);
    const types = [recorded.type, ...(resolved.cases.types ?? [])];
    const stack = contractStack(type, resolved, check, types);
    const crashing = createEngine({ runtime: stack.runtime, types, engineId: CRASHING, logger: handlerContext().logger });
    try {
      await stack.begin(given, "cases.create", crashing);
      await stack.runtime.step({ engineId: CRASHING, crashAfterOps });
      if (stack.runtime.liveEngines().includes(CRASHING)) {
        const info = await stack.engine.getStack(stack.name);
        violation(type, check, `the create check ended without being interrupted (stack ${info.state}: ${info.statusReason})`);
      }
      if (recorded.returned.length === 0) continue;
      await stack.runtime.runUntilIdle({ maxSteps: 10_000 });
      const info = await stack.engine.getStack(stack.name);
      if (info.state !== "CREATE_COMPLETE") violation(type, check, `after the crash, the resumed create ended ${info.state}: ${info.statusReason}`);
      const made = [...new Set(recorded.returned)];
      await stack.remove();
      if (made.length > 1) {
        if (resolved.exists !== "stateless") {
          for (const physicalId of made) await type.delete({ ...handlerContext(), physicalId, properties: expected }).catch(() => undefined);
        }
        violation(type, check, `create ran ${recorded.returned.length} times and made ${made.length} resources (${made.join(", ")}): honour ctx.idempotencyKey, or let read find the first`);
      }
      for (const physicalId of made) {
        if ((await existsNow(type, resolved, physicalId, expected)) === true) {
          violation(type, check, `resource ${physicalId}, made before the crash, survived the stack delete`);
        }
      }
      return;
    } finally {
      await crashing.close();
      await stack.close();
    }
  }
  violation(type, check, "the create check never got past the plugin's create within 200 store operations");
}

type Outcome = { readonly kind: "resolved"; readonly physicalId: string } | { readonly kind: "rejected"; readonly error: unknown };

/** A create that waits until aborted must settle (by rejecting) soon after the abort. */
export async function checkAbort(type: AnyResourceType, resolved: ResolvedCases): Promise<void> {
  const check = SAFETY_CHECKS.abort;
  const given = caseProperties(resolved.cases.hang ?? {}, "cases.hang");
  const properties = parseCase(type, given, "cases.hang");
  const controller = new AbortController();
  const ctx = handlerContext({ signal: controller.signal });
  const state: { outcome: Outcome | null } = { outcome: null };
  const outcome = (): Outcome | null => state.outcome;
  const call = type.create({ ...ctx, properties, setPhysicalId: async () => undefined }).then(
    (r) => void (state.outcome = { kind: "resolved", physicalId: r.physicalId }),
    (error: unknown) => void (state.outcome = { kind: "rejected", error }),
  );
  for (let turn = 0; turn < 20 && outcome() === null; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
  const early = outcome();
  if (early !== null) {
    if (early.kind === "resolved") await type.delete({ ...handlerContext(), physicalId: early.physicalId, properties }).catch(() => undefined);
    throw new InvalidOptionsError("cases.hang", `create with these properties ${early.kind} before the abort; they must make it wait until aborted`);
  }
  controller.abort(new Error("aborted by the contract check"));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, resolved.abortWithinMs);
  });
  await Promise.race([call, bound]);
  clearTimeout(timer);
  const settled = outcome();
  if (settled === null) violation(type, check, `create ignored the abort: still running ${resolved.abortWithinMs} ms after it`);
  if (settled.kind === "resolved") {
    await type.delete({ ...handlerContext(), physicalId: settled.physicalId, properties }).catch(() => undefined);
    violation(type, check, "create completed after the abort instead of rejecting");
  }
}

/** The distinctive text values of the secret properties in `props`. */
function secretValues(secrets: readonly string[], props: ContractProperties, field: string, required: boolean): string[] {
  const out: string[] = [];
  for (const name of secrets) {
    if (!(name in props)) {
      if (required) throw new InvalidOptionsError(field, `give the secret property "${name}" a value, so the check can look for it`);
      continue;
    }
    const leaves: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === "string" || typeof v === "number") leaves.push(String(v));
      else if (Array.isArray(v)) v.forEach(walk);
      else if (typeof v === "object" && v !== null) Object.values(v).forEach(walk);
    };
    walk(props[name]);
    const distinct = leaves.filter((s) => s.length >= 4);
    if (distinct.length === 0) throw new InvalidOptionsError(field, `give the secret property "${name}" a distinctive value (text of 4 characters or more)`);
    out.push(...distinct);
  }
  return out;
}

/** Run create, update, replace and delete with secret values; none may show. */
export async function checkSecrets(type: AnyResourceType, resolved: ResolvedCases): Promise<void> {
  const check = SAFETY_CHECKS.secrets;
  const { cases, secrets } = resolved;
  const given = caseProperties(cases.create, "cases.create");
  const steps: Array<{ field: string; props: ContractProperties }> = [];
  if (cases.update !== undefined) steps.push({ field: "cases.update", props: caseProperties(cases.update, "cases.update") });
  if (cases.replace !== undefined) steps.push({ field: "cases.replace", props: caseProperties(cases.replace, "cases.replace") });
  const values = [...secretValues(secrets, given, "cases.create", true), ...steps.flatMap((s) => secretValues(secrets, s.props, s.field, false))];
  const leaked = (text: string): string | undefined => values.find((v) => text.includes(v));
  const stack = contractStack(type, resolved, check);
  try {
    const expectRedacted = async (when: string): Promise<void> => {
      for (const info of await stack.engine.listResources(stack.name)) {
        for (const name of secrets) {
          const shown = info.properties[name];
          if (shown !== undefined && shown !== REDACTED) violation(type, check, `${when}, listResources shows secret property ${name} unredacted`);
        }
        if (leaked(JSON.stringify([info.physicalId, info.statusReason])) !== undefined) {
          violation(type, check, `${when}, listResources shows a secret value in the physical id or status reason`);
        }
      }
    };
    await stack.create(given, "cases.create");
    await expectRedacted("after the create");
    for (const step of steps) {
      await stack.update(step.props, step.field);
      await expectRedacted(`after the update to ${step.field}`);
    }
    await stack.remove();
    for (const event of await stack.events()) {
      if (leaked(JSON.stringify(event)) !== undefined) {
        violation(type, check, `the event "${event.resourceName ?? "stack"} ${event.action}_${event.status}" shows a secret value (in its physical id or reason)`);
      }
    }
    for (const line of stack.logs) {
      if (leaked(JSON.stringify(line)) !== undefined) violation(type, check, `the ${line.level} log line "${line.message.slice(0, 60)}" shows a secret value`);
    }
  } finally {
    await stack.close();
  }
}
