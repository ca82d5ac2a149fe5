/**
 * The protocol's properties hold through nesting (manual scheduler, deterministic): a replaced
 * group member is created before its old incarnation is deleted; scaling down deletes in
 * reverse dependency order; an update superseded in the middle of a rolling update converges
 * to the newest template; a rollback restores the previous group size and members.
 */
import { describe, expect, it } from "vitest";
import { NESTED_STACK_TYPE, PAUSE_TYPE } from "@converge/core";
import type { CompiledTemplate, StackOperationOptions, Template } from "@converge/core";
import { SCENARIO_TYPE, verify } from "@converge/core/testing";
import { setup } from "./support/protocol-kit.js";
import type { Kit } from "./support/protocol-kit.js";

/**
 * The compiled template's real resources as a plain template, for `verify` (which resolves
 * only get_resource / get_attr: `user`, a list_join over the group, is checked by its value).
 */
function flat(compiled: CompiledTemplate): Template {
  const resources: Record<string, { type: string; properties: Record<string, unknown> }> = {};
  for (const [name, r] of Object.entries(compiled.resources)) {
    if (r.type !== NESTED_STACK_TYPE && r.type !== PAUSE_TYPE) resources[name] = { type: r.type, properties: name === "user" ? {} : { ...r.properties } };
  }
  return { resources } as Template;
}

/** Reality matches the compiled template, `user` reads every member's port, the stack is COMPLETE. */
async function expectConverged(kit: Kit, name: string, template: Template, opts: StackOperationOptions = {}): Promise<void> {
  const compiled = kit.engine.validateTemplate(template, opts);
  const result = verify(kit.reality, flat(compiled));
  expect(result.problems.filter((p) => !p.startsWith("user."))).toEqual([]);
  const ports = Object.keys(compiled.resources)
    .filter((n) => n.endsWith("/port"))
    .map((n) => kit.reality.live(n)[0]?.entry.properties.a);
  expect(kit.reality.live("user")[0]?.entry.properties.a).toBe(ports.join(","));
  expect((await kit.engine.getStack(name)).status).toBe("COMPLETE");
}

const member = `
parameters:
  v: { type: string }
  index: { type: string }
resources:
  server: { type: ${SCENARIO_TYPE}, properties: { "!a": { get_param: v } } }
  port: { type: ${SCENARIO_TYPE}, properties: { a: { get_attr: [server, "!a"] }, b: { get_param: index } } }
outputs:
  port: { value: { get_attr: [port, a] } }
`;
const files = { "member.yaml": member };

const group = (count: number, v: string, policy?: Record<string, unknown>): Template =>
  ({
    resources: {
      g: {
        type: "OS::Heat::ResourceGroup",
        properties: { count, resource_def: { type: "member.yaml", properties: { v, index: "%index%" } } },
        ...(policy === undefined ? {} : { update_policy: policy }),
      },
      user: { type: SCENARIO_TYPE, properties: { a: { list_join: [",", { get_attr: ["g", "port"] }] } } },
    },
  }) as Template;

describe("protocol through nesting", () => {
  it("a replaced member resource is created before its old incarnation is deleted", async () => {
    const kit = setup();
    await kit.engine.createStack("s", group(2, "v1"), { files });
    await kit.settle("s");
    const old = kit.reality.live("g/1/server")[0]?.physicalId as string;
    await kit.engine.updateStack("s", group(2, "v2"));
    await kit.settle("s");
    const created = kit.reality.log.findIndex((op) => op.op === "create" && op.name === "g/1/server" && op.physicalId !== old);
    const deleted = kit.reality.indexOf("delete", "g/1/server", old);
    expect(created).toBeGreaterThanOrEqual(0);
    expect(created).toBeLessThan(deleted);
    // What reads the server is updated in between: after the new server, before the old one goes.
    const port = kit.reality.log.findIndex((op) => op.op === "update" && op.name === "g/1/port");
    expect(created).toBeLessThan(port);
    expect(port).toBeLessThan(deleted);
    await expectConverged(kit, "s", group(2, "v2"), { files });
  });

  it("scaling a group down deletes in reverse dependency order", async () => {
    const kit = setup();
    await kit.engine.createStack("s", group(4, "v1"), { files });
    await kit.settle("s");
    const before = kit.reality.log.length;
    await kit.engine.updateStack("s", group(1, "v1"));
    await kit.settle("s");
    const ops = kit.reality.log.slice(before).map((op) => `${op.op}:${op.name}`);
    for (const i of [1, 2, 3]) {
      expect(ops.indexOf(`delete:g/${i}/port`)).toBeGreaterThanOrEqual(0);
      expect(ops.indexOf(`delete:g/${i}/port`)).toBeLessThan(ops.indexOf(`delete:g/${i}/server`));
    }
    // The user stops reading the removed members before they go.
    expect(ops.indexOf("update:user")).toBeLessThan(ops.indexOf("delete:g/1/port"));
    await expectConverged(kit, "s", group(1, "v1"), { files });
    expect((await kit.engine.listResources("s")).filter((r) => r.status !== "COMPLETE" || r.action === "DELETE")).toEqual([]);
  });

  it("a rolling update goes batch by batch", async () => {
    const kit = setup();
    const policy = { rolling_update: { max_batch_size: 2, min_in_service: 1 } };
    await kit.engine.createStack("s", group(4, "v1", policy), { files });
    await kit.settle("s");
    const compiled = kit.engine.validateTemplate(group(4, "v2", policy), { files });
    expect(compiled.resources["g/0"]?.dependsOn).toEqual(["g/0/port", "g/0/server"]);
    // An update compiles with batches: members 2, 3 wait for members 0, 1.
    const before = kit.reality.log.length;
    await kit.engine.updateStack("s", group(4, "v2", policy));
    await kit.settle("s");
    const ops = kit.reality.log.slice(before).filter((op) => op.op === "create").map((op) => op.name);
    const last = (i: number): number => Math.max(ops.indexOf(`g/${i}/server`), 0);
    expect(Math.max(last(0), last(1))).toBeLessThan(Math.min(ops.indexOf("g/2/server"), ops.indexOf("g/3/server")));
    await expectConverged(kit, "s", group(4, "v2", policy), { files });
  });

  it("pause_time: the next batch starts once the pause elapsed on the runtime's clock", async () => {
    const kit = setup();
    const policy = { rolling_update: { max_batch_size: 1, pause_time: 45 } };
    await kit.engine.createStack("s", group(2, "v1", policy), { files });
    await kit.settle("s");
    const at = new Map<string, number>();
    kit.reality.observe((op) => {
      if (op.op === "create") at.set(op.name, kit.runtime.now());
    });
    // A create has no rolling update: no pause.
    expect(kit.engine.validateTemplate(group(2, "v2", policy), { files }).resources["g/pause-1"]).toBeUndefined();
    await kit.engine.updateStack("s", group(2, "v2", policy));
    await kit.settle("s");
    // The pause is an internal row: stored, never listed as a resource.
    const pause = (await kit.rows("s")).find((r) => r.name === "g/pause-1");
    expect(pause).toMatchObject({ type: PAUSE_TYPE, action: "CREATE", status: "COMPLETE" });
    expect((await kit.engine.listResources("s")).map((r) => r.name)).not.toContain("g/pause-1");
    expect((at.get("g/1/server") ?? 0) - (at.get("g/0/server") ?? 0)).toBeGreaterThanOrEqual(45_000);
    await expectConverged(kit, "s", group(2, "v2", policy), { files });
    // A no-op update does not pause again; a change of the members does.
    const pauseState = async (): Promise<string | undefined> => {
      const row = (await kit.rows("s")).find((r) => r.name === "g/pause-1");
      return row === undefined ? undefined : `${row.action}_${row.status}`;
    };
    const before = kit.runtime.now();
    await kit.engine.updateStack("s", group(2, "v2", policy));
    await kit.settle("s");
    expect(await pauseState()).toBe("CREATE_COMPLETE");
    expect(kit.runtime.now() - before).toBeLessThan(45_000);
    await kit.engine.updateStack("s", group(2, "v3", policy));
    await kit.settle("s");
    expect(await pauseState()).toBe("UPDATE_COMPLETE");
    await expectConverged(kit, "s", group(2, "v3", policy), { files });
  });

  it("an update superseded in the middle of a rolling update converges to the newest template", async () => {
    const kit = setup();
    const policy = { rolling_update: { max_batch_size: 1 } };
    await kit.engine.createStack("s", group(3, "v1", policy), { files });
    await kit.settle("s");
    await kit.engine.updateStack("s", group(3, "v2", policy));
    // Run until the first batch's new server exists, then supersede.
    for (let i = 0; i < 1000 && kit.reality.live("g/0/server").every((e) => e.entry.properties["!a"] !== "v2"); i++) await kit.runtime.step();
    expect(kit.reality.live("g/1/server").map((e) => e.entry.properties["!a"])).toEqual(["v1"]);
    await kit.engine.updateStack("s", group(3, "v3", policy));
    await kit.settle("s");
    await expectConverged(kit, "s", group(3, "v3", policy), { files });
    expect(kit.reality.live("user")[0]?.entry.properties.a).toBe("v3,v3,v3");
  });

  it("a rollback restores the previous group size and members", async () => {
    const kit = setup();
    await kit.engine.createStack("s", group(2, "v1"), { files });
    await kit.settle("s");
    const members = (): string[] => [0, 1, 2, 3].flatMap((i) => kit.reality.live(`g/${i}/server`).map((e) => `${i}:${e.physicalId}`));
    const before = members();
    kit.reality.fail({ op: "create", name: "g/3/port" });
    await kit.engine.updateStack("s", group(4, "v1"));
    await kit.settle("s");
    const info = await kit.engine.getStack("s");
    expect(info.state).toBe("ROLLBACK_COMPLETE");
    expect(members()).toEqual(before);
    await expectConverged(kit, "s", group(2, "v1"), { files });
    expect((await kit.engine.getStack("s/g")).state).toBe("ROLLBACK_COMPLETE");
  });
});
