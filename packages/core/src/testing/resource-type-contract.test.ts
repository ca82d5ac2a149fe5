import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AbortedError, InvalidOptionsError, PluginContractError } from "../errors.js";
import { defineResourceType } from "../plugin/define-resource-type.js";
import type { AnyResourceType } from "../plugin/types.js";
import { Reality } from "./reality.js";
import type { ResourceTypeContractCases } from "./resource-type-contract-cases.js";
import { createScenarioType } from "./scenario-type.js";
import { CONTRACT_CHECKS, resourceTypeContractChecks, runResourceTypeContract } from "./resource-type-contract.js";

/** Ways to break the key-value type, each against one rule of the contract. */
type Flaw =
  | "stores-wrong-value"
  | "delete-missing-throws"
  | "update-does-nothing"
  | "updates-key-in-place"
  | "random-ids"
  | "ignores-abort"
  | "id-shows-password"
  | "logs-password"
  | "password-not-marked-secret"
  | "read-never-exists"
  | "read-stale-after-update"
  | "read-exists-after-delete"
  | "read-ignores-key"
  | "read-reports-undeclared"
  // Not flaws: a read may report only some properties, or none.
  | "read-reports-value-only"
  | "read-reports-nothing";

interface Entry {
  key: string;
  value: string;
  password: string;
}

/** A key-value entry in a fake cloud (`cloud`), correct unless a flaw is given. */
function kvType(cloud: Map<string, Entry>, flaw?: Flaw): AnyResourceType {
  const firstValues = new Map<string, string>();
  const ghosts = new Map<string, Entry>();
  const properties = z.object({
    key: z.string().min(1),
    value: z.string().default(""),
    password: z.string().default(""),
    hang: z.boolean().default(false),
  });
  const waitForAbort = (signal: AbortSignal): Promise<never> =>
    new Promise((_resolve, reject) => {
      if (flaw === "ignores-abort") return; // never settles on its own
      signal.addEventListener("abort", () => reject(new AbortedError("create aborted")), { once: true });
    });
  return defineResourceType({
    type: "test:contract:Entry",
    properties,
    attributes: ["key"],
    updatable: flaw === "updates-key-in-place" ? "all" : ["value", "password", "hang"],
    secretProperties: flaw === "password-not-marked-secret" ? [] : ["password"],
    idempotentCreate: true,
    async create(ctx) {
      if (ctx.properties.hang) await waitForAbort(ctx.signal);
      const base = flaw === "random-ids" ? randomUUID() : ctx.idempotencyKey;
      const id = flaw === "id-shows-password" ? `${base}-${ctx.properties.password}` : `entry-${base}`;
      if (flaw === "logs-password") ctx.logger.info("creating entry", { password: ctx.properties.password });
      const value = flaw === "stores-wrong-value" ? `${ctx.properties.value}!` : ctx.properties.value;
      cloud.set(id, { key: ctx.properties.key, value, password: ctx.properties.password });
      if (!firstValues.has(id)) firstValues.set(id, value);
      return { physicalId: id, attributes: { key: ctx.properties.key } };
    },
    async update(ctx) {
      const entry = cloud.get(ctx.physicalId);
      if (entry === undefined) throw new Error(`entry ${ctx.physicalId} is gone`);
      if (flaw !== "update-does-nothing") cloud.set(ctx.physicalId, { ...entry, value: ctx.properties.value, password: ctx.properties.password });
      return { attributes: { key: entry.key } };
    },
    async delete(ctx) {
      if (ctx.physicalId === null) return;
      if (!cloud.has(ctx.physicalId) && flaw === "delete-missing-throws") throw new Error(`no entry ${ctx.physicalId}`);
      const entry = cloud.get(ctx.physicalId);
      if (entry !== undefined) ghosts.set(ctx.physicalId, entry);
      cloud.delete(ctx.physicalId);
    },
    async read(ctx) {
      if (flaw === "read-never-exists") return { exists: false };
      const id = ctx.physicalId ?? (flaw === "read-ignores-key" ? null : `entry-${ctx.idempotencyKey}`);
      const live = id === null ? undefined : cloud.get(id);
      const entry = live ?? (flaw === "read-exists-after-delete" && id !== null ? ghosts.get(id) : undefined);
      if (entry === undefined || id === null) return { exists: false };
      const value = flaw === "read-stale-after-update" ? (firstValues.get(id) ?? entry.value) : entry.value;
      const reported =
        flaw === "read-reports-value-only" ? { value } : flaw === "read-reports-undeclared" ? { key: entry.key, value, colour: "red" } : { key: entry.key, value, hang: false };
      return { exists: true, physicalId: id, attributes: { key: entry.key }, ...(flaw === "read-reports-nothing" ? {} : { properties: reported }) };
    },
  });
}

const cases: ResourceTypeContractCases = {
  create: { key: "alpha", value: "one", password: "s3cret-create" },
  update: { key: "alpha", value: "two", password: "s3cret-update" },
  replace: { key: "beta", value: "two", password: "s3cret-replace" },
  hang: { key: "slow", hang: true },
  secrets: ["password"],
  abortWithinMs: 200,
};

/** Run the named check of a type built with `flaw`; returns the cloud afterwards. */
async function runCheck(name: string, flaw?: Flaw, more: Partial<ResourceTypeContractCases> = {}): Promise<{ error: unknown; cloud: Map<string, Entry> }> {
  const cloud = new Map<string, Entry>();
  const check = resourceTypeContractChecks(kvType(cloud, flaw), { ...cases, ...more }).find((c) => c.name === name);
  if (check === undefined) throw new Error(`no check "${name}"`);
  try {
    await check.run();
    return { error: undefined, cloud };
  } catch (error) {
    return { error, cloud };
  }
}

describe("runResourceTypeContract", () => {
  describe("passes a correct type", () => {
    runResourceTypeContract(kvType(new Map()), cases, { describe, it });
  });

  // The acceptance suite's type: without an idempotent create it resumes only by reading by
  // idempotency key, which the kit then checks by default.
  describe.each([true, false])("passes the scenario type (idempotent create: %s)", (idempotent) => {
    const scenarioCases = { create: { a: "x", b: "1" }, update: { a: "y", b: "1" }, replace: { "!a": "z" } };
    runResourceTypeContract(createScenarioType(new Reality(), { idempotent, typeName: `test:contract:Scenario${String(idempotent)}` }), scenarioCases, { describe, it });
  });

  it("leaves the fake cloud empty after every check of a correct type", async () => {
    for (const name of Object.values(CONTRACT_CHECKS)) {
      const { error, cloud } = await runCheck(name);
      expect(error).toBeUndefined();
      expect([...cloud.keys()]).toEqual([]);
    }
  });

  const broken: Array<[Flaw, string, RegExp]> = [
    ["stores-wrong-value", CONTRACT_CHECKS.createRead, /read reports value = "one!", expected "one"/],
    ["delete-missing-throws", CONTRACT_CHECKS.deleteMissing, /already deleted threw: no entry/],
    ["update-does-nothing", CONTRACT_CHECKS.update, /after the update, read reports value = "one", expected "two"/],
    ["updates-key-in-place", CONTRACT_CHECKS.replace, /previewUpdate predicts "update"/],
    ["random-ids", CONTRACT_CHECKS.idempotentCreate, /create ran 2 times and made 2 resources/],
    ["ignores-abort", CONTRACT_CHECKS.abort, /create ignored the abort: still running 200 ms after it/],
    ["id-shows-password", CONTRACT_CHECKS.secrets, /listResources shows a secret value in the physical id/],
    ["password-not-marked-secret", CONTRACT_CHECKS.secrets, /listResources shows secret property password unredacted/],
  ];
  it.each(broken)("fails a type whose flaw is %s, in the check: %s", async (flaw, name, message) => {
    const { error } = await runCheck(name, flaw);
    expect(error).toBeInstanceOf(PluginContractError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(`[${name}]`);
  });

  // The probe looks at the fake cloud itself, so only `read` can be wrong about it.
  const probe = (cloud: Map<string, Entry>) => async (physicalId: string) => cloud.has(physicalId);
  const lyingReads: Array<[Flaw, string, Partial<ResourceTypeContractCases>, RegExp]> = [
    ["read-never-exists", CONTRACT_CHECKS.createRead, {}, /after the create, read says resource entry-\S+ does not exist/],
    ["read-stale-after-update", CONTRACT_CHECKS.update, {}, /after the update, read reports value = "one", expected "two"/],
    ["read-exists-after-delete", CONTRACT_CHECKS.createRead, {}, /after the stack delete, read says resource entry-\S+ still exists/],
    ["read-exists-after-delete", CONTRACT_CHECKS.deleteMissing, {}, /after a delete, read says resource entry-\S+ still exists/],
    ["read-exists-after-delete", CONTRACT_CHECKS.replace, {}, /after the replacement, the old, read says resource entry-\S+ still exists/],
    ["read-ignores-key", CONTRACT_CHECKS.createRead, { readByIdempotencyKey: true }, /after the create, by idempotency key \(physicalId null\), read says resource entry-\S+ does not exist/],
    ["read-reports-undeclared", CONTRACT_CHECKS.createRead, {}, /after the create, read reports colour, which is not a property of the type/],
  ];
  it.each(lyingReads)("fails a type whose read lies (%s), in the check: %s", async (flaw, name, more, message) => {
    const cloud = new Map<string, Entry>();
    const check = resourceTypeContractChecks(kvType(cloud, flaw), { ...cases, exists: probe(cloud), ...more }).find((c) => c.name === name);
    const error = await check?.run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PluginContractError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(`[${name}]`);
  });

  it.each<Flaw>(["read-reports-value-only", "read-reports-nothing"])("passes a type whose read reports only some properties (%s)", async (flaw) => {
    for (const name of [CONTRACT_CHECKS.createRead, CONTRACT_CHECKS.update, CONTRACT_CHECKS.replace]) {
      const { error } = await runCheck(name, flaw);
      expect(error).toBeUndefined();
    }
  });

  it("reads by idempotency key when the cases say the type can, and by default when it has read but no idempotent create", async () => {
    for (const name of [CONTRACT_CHECKS.createRead, CONTRACT_CHECKS.deleteMissing, CONTRACT_CHECKS.update, CONTRACT_CHECKS.replace]) {
      expect((await runCheck(name, undefined, { readByIdempotencyKey: true })).error).toBeUndefined();
      expect((await runCheck(name, "read-ignores-key")).error).toBeUndefined();
    }
    const cloud = new Map<string, Entry>();
    const plain = kvType(cloud, "read-ignores-key");
    const notIdempotent = defineResourceType({ ...plain, idempotentCreate: false });
    const check = resourceTypeContractChecks(notIdempotent, cases).find((c) => c.name === CONTRACT_CHECKS.createRead);
    await expect(check?.run()).rejects.toThrow(/by idempotency key \(physicalId null\), read says resource entry-\S+ does not exist/);
  });

  it("lets a type with anyAttribute return attributes it does not declare, and no other type", async () => {
    const base = kvType(new Map());
    const withColour = (anyAttribute: boolean) =>
      defineResourceType({
        ...base,
        anyAttribute,
        async create(ctx) {
          const made = await base.create(ctx);
          return { ...made, attributes: { ...made.attributes, colour: "red" } };
        },
      });
    const run = (type: AnyResourceType) => resourceTypeContractChecks(type, cases).find((c) => c.name === CONTRACT_CHECKS.createRead)?.run();
    await expect(run(withColour(true))).resolves.toBeUndefined();
    await expect(run(withColour(false))).rejects.toThrow(/create returned undeclared attributes colour/);
  });

  it("passes a type that logs a secret property: the engine redacts its log lines where they are written", async () => {
    const { error } = await runCheck(CONTRACT_CHECKS.secrets, "logs-password");
    expect(error).toBeUndefined();
  });

  it("registers one describe per type and one it per applicable check", () => {
    const names: string[] = [];
    let group = "";
    const timeouts = new Set<number | undefined>();
    runResourceTypeContract(kvType(new Map()), { create: { key: "a" }, timeoutMs: 1234 }, {
      describe: (name, body) => {
        group = name;
        body();
      },
      it: (name, _body, timeout) => {
        names.push(name);
        timeouts.add(timeout);
      },
    });
    expect(group).toBe("resource type test:contract:Entry (contract)");
    // No update, replace or hang case: those checks do not apply; the password is secret but
    // the secrets check needs a value for it, so it is registered and would reject the case.
    expect(names).toEqual([CONTRACT_CHECKS.createRead, CONTRACT_CHECKS.deleteMissing, CONTRACT_CHECKS.idempotentCreate, CONTRACT_CHECKS.secrets]);
    expect([...timeouts]).toEqual([1234]);
  });

  it("skips existence checks of a stateless type", () => {
    const names = resourceTypeContractChecks(kvType(new Map(), "password-not-marked-secret"), { create: { key: "a" }, exists: "stateless" }).map((c) => c.name);
    expect(names).toEqual([CONTRACT_CHECKS.createRead, CONTRACT_CHECKS.deleteMissing]);
  });

  it("rejects malformed cases with the field named", async () => {
    const type = kvType(new Map());
    const noRead = defineResourceType({ type: "test:contract:NoRead", properties: z.object({}), async create() { return { physicalId: "x" }; }, async delete() {} });
    expect(() => resourceTypeContractChecks(noRead, { create: {} })).toThrow(/invalid option "cases.exists"/);
    expect(() => resourceTypeContractChecks(type, { create: [] as never })).toThrow(/invalid option "cases.create"/);
    expect(() => resourceTypeContractChecks(type, { create: {}, timeoutMs: -1 })).toThrow(/invalid option "cases.timeoutMs"/);
    expect(() => resourceTypeContractChecks(noRead, { create: {}, exists: "stateless", readByIdempotencyKey: true })).toThrow(/invalid option "cases.readByIdempotencyKey"/);
    expect(() => resourceTypeContractChecks(type, { create: {}, readByIdempotencyKey: "yes" as never })).toThrow(/invalid option "cases.readByIdempotencyKey"/);
    expect(() => resourceTypeContractChecks({} as AnyResourceType, { create: {} })).toThrow(/invalid option "type"/);
    const sameUpdate = resourceTypeContractChecks(type, { create: { key: "a" }, update: { key: "a" } }).find((c) => c.name === CONTRACT_CHECKS.update);
    await expect(sameUpdate?.run()).rejects.toThrow(/invalid option "cases.update": changes no property/);
    const badCreate = resourceTypeContractChecks(type, { create: { key: "" } })[0];
    await expect(badCreate?.run()).rejects.toBeInstanceOf(InvalidOptionsError);
    const noSecret = resourceTypeContractChecks(type, { create: { key: "a" } }).find((c) => c.name === CONTRACT_CHECKS.secrets);
    await expect(noSecret?.run()).rejects.toThrow(/give the secret property "password" a value/);
    const quick = resourceTypeContractChecks(type, { create: { key: "a" }, hang: { key: "a" } }).find((c) => c.name === CONTRACT_CHECKS.abort);
    await expect(quick?.run()).rejects.toThrow(/invalid option "cases.hang": create with these properties resolved before the abort/);
  });

  it("needs a registrar when the framework has no globals", () => {
    expect(() => runResourceTypeContract(kvType(new Map()), cases)).toThrow(/invalid option "registrar"/);
  });
});
