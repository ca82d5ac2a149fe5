import { describe, expect, it } from "vitest";
import { AbandonedStackError, ImportError, StackStateError, TemplateValidationError } from "../src/errors.js";
import { createEngine } from "../src/engine/create-engine.js";
import { createMemoryRuntime } from "../src/memory/memory-runtime.js";
import { defineResourceType } from "../src/plugin/define-resource-type.js";
import { Reality } from "../src/testing/reality.js";
import { SCENARIO_TYPE, createScenarioType } from "../src/testing/scenario-type.js";
import type { Template } from "../src/template/types.js";
import { z } from "zod";
import { setup as setup2 } from "./support/protocol-kit.js";

const T = SCENARIO_TYPE;

/** A type without `read`: it cannot import. */
const blind = defineResourceType({
  type: "test:Blind",
  properties: z.object({ a: z.string().optional() }),
  async create() {
    return { physicalId: "blind-1" };
  },
  async delete() {},
});

function setup() {
  const reality = new Reality();
  const runtime = createMemoryRuntime({ mode: "manual" });
  const engine = createEngine({ runtime, types: [createScenarioType(reality), blind] });
  const settle = async (name: string) => {
    await runtime.runUntilIdle();
    return engine.waitForStack(name);
  };
  /** An existing resource made behind the engine's back. */
  const existing = (physicalId: string, name: string, properties: Record<string, unknown>): void => {
    reality.entries.set(physicalId, { name, properties });
  };
  const ops = () => reality.log.map((o) => `${o.op}:${o.name}:${o.physicalId}`);
  return { reality, runtime, engine, settle, existing, ops };
}

const imported = (a: string, extra: Template["resources"] = {}): Template => ({
  resources: { web: { type: T, properties: { a }, external_id: "ext-web" }, ...extra },
});

describe("external_id", () => {
  it("imports through read (no create), then updates and deletes the adopted resource", async () => {
    const { engine, settle, existing, ops, reality } = setup();
    existing("ext-web", "web", { a: "one" });
    const preview = await engine.previewUpdate("s", imported("one")).catch(() => null);
    expect(preview).toBeNull(); // no stack yet
    await engine.createStack("s", imported("one"));
    expect((await settle("s")).state).toBe("CREATE_COMPLETE");
    expect(ops()).toEqual([]);
    const [row] = await engine.listResources("s");
    expect(row).toMatchObject({ name: "web", physicalId: "ext-web", state: "CREATE_COMPLETE", properties: { a: "one" } });

    await engine.updateStack("s", imported("two"));
    expect((await settle("s")).state).toBe("UPDATE_COMPLETE");
    expect(ops()).toEqual(["update:web:ext-web"]);
    expect(reality.entries.get("ext-web")?.properties).toEqual({ a: "two" });

    await engine.deleteStack("s");
    expect((await settle("s")).state).toBe("DELETE_COMPLETE");
    expect(ops()).toEqual(["update:web:ext-web", "delete:web:ext-web"]);
    expect(reality.entries.has("ext-web")).toBe(false);
  });

  it("updates in the import's own traversal when the template differs from what read returned", async () => {
    const { engine, settle, existing, ops } = setup();
    existing("ext-web", "web", { a: "drifted" });
    await engine.createStack("s", imported("wanted"));
    expect((await settle("s")).state).toBe("CREATE_COMPLETE");
    expect(ops()).toEqual(["update:web:ext-web"]);
  });

  it("fails the node with the resource and the id when nothing has that id, and deletes nothing", async () => {
    const { engine, settle, ops } = setup();
    await engine.createStack("s", imported("one", { other: { type: T, properties: { a: "x" } } }));
    const done = await settle("s");
    expect(done.state).toBe("ROLLBACK_COMPLETE");
    const events = [];
    for await (const e of engine.events("s")) events.push(e);
    const failed = events.find((e) => e.resourceName === "web" && e.status === "FAILED");
    expect(failed?.reason).toContain('cannot import "ext-web" as resource web');
    expect(failed?.reason).toContain("no such");
    expect(ops().filter((o) => o.includes("web"))).toEqual([]);
  });

  it("is validated at compile time: a string, or a function of parameters", async () => {
    const { engine } = setup();
    const bad = (external_id: unknown, type = T): Template => ({ resources: { web: { type, external_id } } });
    expect(() => engine.validateTemplate(bad(42))).toThrow(TemplateValidationError);
    expect(() => engine.validateTemplate(bad(42))).toThrow(/resources\.web\.external_id: external_id must be a non-empty string, got number/);
    expect(() => engine.validateTemplate({ resources: { a: { type: T }, web: { type: T, external_id: { get_resource: "a" } } } })).toThrow(/resources\.web\.external_id: .*compile time/);
    expect(() => engine.validateTemplate(bad("x", "test:Blind"))).toThrow(/resources\.web\.external_id: type test:Blind has no read/);
    const folded = engine.validateTemplate({ parameters: { id: { type: "string" } }, resources: { web: { type: T, external_id: { get_param: "id" } } } }, { parameters: { id: "ext-9" } });
    expect(folded.resources.web?.externalId).toBe("ext-9");
  });

  it("cannot be changed on a managed resource; removing it keeps managing the resource", async () => {
    const { engine, settle, existing, ops } = setup();
    existing("ext-web", "web", { a: "one" });
    await engine.createStack("s", imported("one"));
    await settle("s");
    const changed: Template = { resources: { web: { type: T, properties: { a: "one" }, external_id: "ext-other" } } };
    await expect(engine.updateStack("s", changed)).rejects.toThrow(/resources\.web\.external_id: external_id cannot be changed/);
    await engine.updateStack("s", { resources: { web: { type: T, properties: { a: "two" } } } });
    expect((await settle("s")).state).toBe("UPDATE_COMPLETE");
    expect(ops()).toEqual(["update:web:ext-web"]);
  });

  it("previews as import", async () => {
    const { engine, settle, existing } = setup();
    existing("ext-web", "web", { a: "one" });
    await engine.createStack("s", { resources: { other: { type: T, properties: { a: "x" } } } });
    await settle("s");
    const preview = await engine.previewUpdate("s", imported("one", { other: { type: T, properties: { a: "x" } } }));
    expect(preview.resources.map((r) => `${r.name}:${r.action}`).sort()).toEqual(["other:no_change", "web:import"]);
  });
});

describe("importResource", () => {
  it("adopts an existing resource the template already names: read, no create; then managed", async () => {
    const { engine, settle, existing, ops, reality } = setup();
    const template: Template = { resources: { db: { type: T, properties: { a: "d" } }, web: { type: T, properties: { a: "one", c: { get_resource: "db" } } } } };
    reality.fail({ op: "create", name: "web", times: 1 });
    await engine.createStack("s", template, { disableRollback: true });
    expect((await settle("s")).state).toBe("CREATE_FAILED");
    const db = reality.live("db")[0]?.physicalId ?? "";
    existing("manual-web", "web", { a: "one", c: db });
    const made = ops();
    await engine.importResource("s", "web", "manual-web");
    expect((await settle("s")).state).toBe("UPDATE_COMPLETE");
    expect(ops()).toEqual(made);
    const rows = (await engine.listResources("s")).filter((r) => r.name === "web" && r.state !== "DELETE_COMPLETE");
    expect(rows.map((r) => `${r.physicalId}:${r.state}`)).toEqual(["manual-web:CREATE_COMPLETE"]);
    await engine.updateStack("s", { resources: { ...template.resources, web: { type: T, properties: { a: "two", c: { get_resource: "db" } } } } });
    expect((await settle("s")).state).toBe("UPDATE_COMPLETE");
    expect(ops().slice(made.length)).toEqual(["update:web:manual-web"]);
    await engine.deleteStack("s");
    await settle("s");
    expect(reality.entries.size).toBe(0);
  });

  it("refuses a resource that is managed, unknown, or of a type without read", async () => {
    const { engine, settle } = setup();
    await engine.createStack("s", { resources: { web: { type: T, properties: { a: "one" } }, blind: { type: "test:Blind" } } });
    await settle("s");
    await expect(engine.importResource("s", "web", "ext-1")).rejects.toThrow(ImportError);
    await expect(engine.importResource("s", "web", "ext-1")).rejects.toThrow(/already manages it/);
    await expect(engine.importResource("s", "nope", "ext-1")).rejects.toThrow(/has no resource nope/);
    await expect(engine.importResource("s", "blind", "ext-1")).rejects.toThrow(/has no read/);
  });
});

describe("abandon and adopt", () => {
  const stackTemplate: Template = {
    resources: {
      db: { type: T, properties: { a: "d" } },
      web: { type: T, properties: { a: "w", c: { get_resource: "db" } } },
    },
    outputs: { web: { value: { get_attr: ["web", "a"] } } },
  };

  it("abandons without a delete call, then adopts without a create call; the adopted stack is managed", async () => {
    const { engine, settle, ops, reality } = setup();
    await engine.createStack("s", stackTemplate);
    await settle("s");
    const before = [...reality.entries];
    const made = ops();
    const abandoned = await engine.abandonStack("s");
    expect(abandoned.resources.map((r) => `${r.name}:${r.physicalId}`)).toEqual(before.map(([id, e]) => `${e.name}:${id}`).sort());
    await expect(engine.getStack("s")).rejects.toThrow(/does not exist/); // not "lost": a tombstone was left
    expect(await engine.listStacks()).toEqual([]);
    expect(ops()).toEqual(made);

    const json = JSON.parse(JSON.stringify(abandoned)) as typeof abandoned;
    await engine.adoptStack("t", json);
    const adopted = await settle("t");
    expect(adopted.state).toBe("CREATE_COMPLETE");
    expect(adopted.outputs).toEqual({ web: "w" });
    expect(ops()).toEqual(made);
    expect([...reality.entries]).toEqual(before);

    const changed: Template = { ...stackTemplate, resources: { ...stackTemplate.resources, db: { type: T, properties: { a: "d2" } } } };
    await engine.updateStack("t", changed);
    expect((await settle("t")).state).toBe("UPDATE_COMPLETE");
    expect(ops().slice(made.length)).toEqual([`update:db:${abandoned.resources[0]?.physicalId}`]);
    await engine.deleteStack("t");
    await settle("t");
    expect(reality.entries.size).toBe(0);
  });

  it("keeps hidden parameters sealed in the abandoned stack, and adopts it without a change", async () => {
    const { engine, settle, ops } = setup();
    const secret: Template = {
      parameters: { pw: { type: "string", hidden: true } },
      resources: { web: { type: T, properties: { a: { get_param: "pw" } } } },
    };
    await engine.createStack("s", secret, { parameters: { pw: "s3cr3t-value" } });
    await settle("s");
    const made = ops();
    const abandoned = await engine.abandonStack("s");
    expect(JSON.stringify(abandoned)).not.toContain("s3cr3t-value");
    await engine.adoptStack("t", JSON.parse(JSON.stringify(abandoned)) as typeof abandoned);
    expect((await settle("t")).state).toBe("CREATE_COMPLETE");
    expect(ops()).toEqual(made);
    expect((await engine.listResources("t"))[0]?.properties).toEqual({ a: "******" });
    // The adopted stack's parameters are the abandoned ones: an update keeps the hidden value.
    await engine.updateStack("t", secret);
    expect((await settle("t")).state).toBe("UPDATE_COMPLETE");
    expect(ops()).toEqual(made);
  });

  it("refuses to abandon a stack in progress", async () => {
    const { engine } = setup();
    await engine.createStack("s", stackTemplate);
    await expect(engine.abandonStack("s")).rejects.toThrow(StackStateError);
  });

  it("names the path of a malformed abandoned stack", async () => {
    const { engine, settle } = setup();
    await engine.createStack("s", stackTemplate);
    await settle("s");
    const abandoned = await engine.abandonStack("s");
    const broken = { ...abandoned, resources: [abandoned.resources[0], { ...abandoned.resources[1], physicalId: 7 }] };
    await expect(engine.adoptStack("t", broken as never)).rejects.toThrow(AbandonedStackError);
    await expect(engine.adoptStack("t", broken as never)).rejects.toThrow(/at resources\[1\]\.physicalId/);
    const foreign = { ...abandoned, resources: [{ ...abandoned.resources[0], name: "ghost" }] };
    await expect(engine.adoptStack("t", foreign as never)).rejects.toThrow(/at resources\[0\]\.name: resource ghost is not in the template/);
    await expect(engine.adoptStack("t", { ...abandoned, version: 2 } as never)).rejects.toThrow(/at version/);
    expect(await engine.listStacks()).toEqual([]);
  });

  it("abandonResource forgets the resource: no delete call, and the next update does not touch it", async () => {
    const { engine, settle, ops, reality } = setup();
    const template: Template = { resources: { db: { type: T, properties: { a: "d" } }, web: { type: T, properties: { a: "w" } } } };
    await engine.createStack("s", template);
    await settle("s");
    const made = ops();
    const web = await engine.abandonResource("s", "web");
    expect(web).toMatchObject({ name: "web", type: T, properties: { a: "w" } });
    expect((await settle("s")).state).toBe("UPDATE_COMPLETE");
    expect((await engine.listResources("s")).map((r) => r.name)).toEqual(["db"]);
    expect(reality.entries.get(web.physicalId)?.properties).toEqual({ a: "w" });
    await engine.updateStack("s", { resources: { db: { type: T, properties: { a: "d2" } } } });
    await settle("s");
    await engine.deleteStack("s");
    await settle("s");
    expect(ops().slice(made.length).filter((o) => o.includes(":web:"))).toEqual([]);
    expect([...reality.entries.keys()]).toEqual([web.physicalId]);
  });

  it("abandonResource refuses a resource others still use", async () => {
    const { engine, settle } = setup();
    await engine.createStack("s", stackTemplate);
    await settle("s");
    await expect(engine.abandonResource("s", "db")).rejects.toThrow(/used by resource web/);
    await expect(engine.abandonResource("s", "web")).rejects.toThrow(/used by output web/);
  });

  it("abandonResource refuses a failed stack (its traversal would retry, and a rollback re-create)", async () => {
    const { engine, settle, reality } = setup();
    reality.fail({ op: "create", name: "b" });
    await engine.createStack("s", { resources: { a: { type: T, properties: { a: "1" } }, b: { type: T, properties: { a: "2" } } } }, { disableRollback: true });
    expect((await settle("s")).state).toBe("CREATE_FAILED");
    await expect(engine.abandonResource("s", "a")).rejects.toThrow(/is CREATE_FAILED; update or roll it back before abandoning a/);
  });
});

describe("an import interrupted by a worker death", () => {
  it("is resumed as an import (read again), never as a create", async () => {
    const kit = setup2({ engines: ["e1", "e2"] });
    kit.reality.entries.set("ext-web", { name: "web", properties: { a: "one" } });
    // e1 dies inside the import's read of ext-web: the row is left locked, CREATE_IN_PROGRESS.
    const entries = kit.reality.entries;
    const get = entries.get.bind(entries);
    let killed = false;
    entries.get = (key: string) => {
      if (key === "ext-web" && !killed) {
        killed = true;
        void kit.runtime.killEngine("e1");
        throw new Error("engine e1 died");
      }
      return get(key);
    };
    await kit.engine.createStack("s", imported("one"));
    while (!killed && kit.runtime.pending().length > 0) await kit.runtime.step({ engineId: "e1" });
    expect(killed).toBe(true);
    const [locked] = await kit.rowsNamed("s", "web");
    expect(locked).toMatchObject({ action: "CREATE", status: "IN_PROGRESS", deletionPolicy: "retain", physicalId: null, lockHolder: expect.stringMatching(/^e1#/) });
    await kit.settle("s");
    expect((await kit.engines[1]?.getStack("s"))?.state).toBe("CREATE_COMPLETE");
    const [row] = await kit.rowsNamed("s", "web");
    expect(row).toMatchObject({ action: "CREATE", status: "COMPLETE", physicalId: "ext-web", deletionPolicy: "delete", lockHolder: null });
    expect(kit.reality.log).toEqual([]);
  });
});

describe("import under seeded orders and duplicate deliveries", () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`seed ${seed}: imports once, creates nothing, then updates once`, async () => {
      const reality = new Reality();
      const runtime = createMemoryRuntime({ mode: "manual", order: "random", seed, duplicateRate: 0.5 });
      const engine = createEngine({ runtime, types: [createScenarioType(reality, { idempotent: false })] });
      reality.entries.set("ext-a", { name: "a", properties: { a: "1" } });
      reality.entries.set("ext-b", { name: "b", properties: { a: "old" } });
      const template = (b: string): Template => ({
        resources: {
          a: { type: T, properties: { a: "1" }, external_id: "ext-a" },
          b: { type: T, properties: { a: b, c: { get_resource: "a" } }, external_id: "ext-b" },
          c: { type: T, properties: { ca: { get_attr: ["b", "a"] } } },
        },
      });
      await engine.createStack("s", template("new"));
      await runtime.runUntilIdle();
      expect((await engine.waitForStack("s")).state).toBe("CREATE_COMPLETE");
      expect(reality.log.map((o) => `${o.op}:${o.name}:${o.physicalId}`)).toEqual(["update:b:ext-b", expect.stringMatching(/^create:c:/)]);
      expect(reality.entries.get("ext-b")?.properties).toEqual({ a: "new", c: "ext-a" });
      const rows = await engine.listResources("s");
      expect(rows.map((r) => `${r.name}:${r.physicalId}:${r.state}`).slice(0, 2)).toEqual(["a:ext-a:CREATE_COMPLETE", "b:ext-b:UPDATE_COMPLETE"]);
    });
  }
});
