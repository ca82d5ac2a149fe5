import { describe, expect, it } from "vitest";
import type { Template } from "@converge/core";
import { createTestResourceType } from "@converge/plugins";
import { testResourceNeedsReplace, testResourceWaitSecs } from "../src/heat/test-resource.js";
import type { TestResourceProperties } from "@converge/plugins";
import { recordingSleep, stackKit } from "./support/stack-kit.js";

const T = "OS::Heat::TestResource";
const one = (properties: Record<string, unknown>, extra: Template = {}): Template => ({
  heat_template_version: "2018-08-31",
  resources: { test: { type: T, properties } },
  outputs: { out: { value: { get_attr: ["test", "output"] } }, ref: { value: { get_resource: "test" } } },
  ...extra,
});

function setup() {
  const { sleep, waits } = recordingSleep();
  const type = createTestResourceType({ sleep });
  return { ...stackKit([type]), waits, type };
}

const parse = (type: ReturnType<typeof createTestResourceType>, p: Record<string, unknown>): TestResourceProperties => type.properties.parse(p);

describe("OS::Heat::TestResource", () => {
  it("stores value as the output attribute; get_resource gives a Heat-style physical name", async () => {
    const kit = setup();
    const stack = await kit.create("s", one({ value: "hello" }));
    expect(stack.state).toBe("CREATE_COMPLETE");
    expect(stack.outputs.out).toBe("hello");
    expect(stack.outputs.ref).toMatch(/^s-test-[a-z2-7]{12}$/);
    const defaults = await kit.create("d", one({}));
    expect(defaults.outputs.out).toBe("test_string");
  });

  it("updates value in place unless update_replace is true", async () => {
    const kit = setup();
    const created = await kit.create("s", one({ value: "a" }));
    const inPlace = await kit.update("s", one({ value: "b" }));
    expect(inPlace.state).toBe("UPDATE_COMPLETE");
    expect(inPlace.outputs).toEqual({ out: "b", ref: created.outputs.ref });

    expect((await kit.engine.previewUpdate("s", one({ value: "c", update_replace: true }))).resources[0]?.action).toBe("replace");
    const replaced = await kit.update("s", one({ value: "c", update_replace: true }));
    expect(replaced.outputs.out).toBe("c");
    expect(replaced.outputs.ref).not.toBe(created.outputs.ref);
    expect((await kit.live("s")).size).toBe(1);
  });

  it("replaces only when value changes with update_replace, or update_replace_value changes (Heat's rule)", async () => {
    const kit = setup();
    const created = await kit.create("s", one({ value: "a", update_replace: true }));
    // update_replace is true but value does not change: in place.
    const waited = await kit.update("s", one({ value: "a", update_replace: true, wait_secs: 1 }));
    expect(waited.outputs.ref).toBe(created.outputs.ref);
    const fixed = await kit.update("s", one({ value: "a", update_replace: true, wait_secs: 1, update_replace_value: "v1" }));
    expect(fixed.outputs.ref).not.toBe(created.outputs.ref);

    const type = kit.type;
    const base = parse(type, { value: "a" });
    expect(testResourceNeedsReplace(base, parse(type, { value: "b" }))).toBe(false);
    expect(testResourceNeedsReplace(base, parse(type, { value: "b", update_replace: true }))).toBe(true);
    expect(testResourceNeedsReplace(base, parse(type, { value: "a", update_replace: true }))).toBe(false);
    expect(testResourceNeedsReplace(base, parse(type, { update_replace_value: "x", value: "a" }))).toBe(true);
    expect(type.diff?.(base, parse(type, { value: "a" }))).toBe("none");
    expect(type.diff?.(base, parse(type, { value: "a", fail: true }))).toBe("update");
    expect(type.isUpdatable("update_replace_value")).toBe(false);
    expect(type.isUpdatable("value")).toBe(true);
  });

  it("fails create after its wait, without a physical id", async () => {
    const kit = setup();
    const stack = await kit.create("s", one({ fail: true, wait_secs: 2 }), { disableRollback: true });
    expect(stack.state).toBe("CREATE_FAILED");
    const row = (await kit.live("s")).get("test");
    expect(row?.state).toBe("CREATE_FAILED");
    expect(row?.statusReason).toBe("Test Resource failed test");
    expect(row?.physicalId).toBeNull();
    expect(kit.waits).toEqual([2000]);
  });

  it("fails any update while fail is true, waiting only when value changes, as Heat does", async () => {
    const kit = setup();
    await kit.create("s", one({ value: "a" }));
    const quiet = await kit.update("s", one({ value: "a", fail: true, wait_secs: 3 }), { disableRollback: true });
    expect(quiet.state).toBe("UPDATE_FAILED");
    expect(quiet.statusReason).toMatch(/Test Resource failed test/);
    expect(kit.waits).toEqual([]);
    await kit.create("t", one({ value: "a" }));
    const failed = await kit.update("t", one({ value: "b", fail: true, wait_secs: 3 }), { disableRollback: true });
    expect(failed.state).toBe("UPDATE_FAILED");
    expect(kit.waits).toEqual([3000]);
    expect((await kit.live("t")).get("test")?.attributes.output).toBe("a");
    // Nothing changed: no update at all, so nothing fails (Heat never calls handle_update).
    await kit.create("u", one({ value: "a", fail: false }));
    expect((await kit.update("u", one({ value: "a" }))).state).toBe("UPDATE_COMPLETE");
  });

  it("waits per action: action_wait_secs over wait_secs, updates wait only when value changes, attr_wait_secs too", async () => {
    const kit = setup();
    await kit.create("s", one({ value: "a", wait_secs: 1.5, action_wait_secs: { delete: 4 }, attr_wait_secs: 0.25 }));
    expect(kit.waits).toEqual([1500, 250]);
    kit.waits.length = 0;
    await kit.update("s", one({ value: "a", wait_secs: 3, action_wait_secs: { delete: 4 } }));
    expect(kit.waits).toEqual([]);
    await kit.update("s", one({ value: "b", wait_secs: 3, action_wait_secs: { update: 2, delete: 4 } }));
    expect(kit.waits).toEqual([2000]);
    kit.waits.length = 0;
    await kit.remove("s");
    expect(kit.waits).toEqual([4000]);
    expect(testResourceWaitSecs({ wait_secs: 5, action_wait_secs: { create: 1 } }, "update")).toBe(5);
    expect(testResourceWaitSecs({}, "delete")).toBe(0);
  });

  it("accepts Heat's string forms of numbers and booleans, and the ignored client properties", async () => {
    const kit = setup();
    const stack = await kit.create(
      "s",
      `heat_template_version: 2013-05-23
parameters:
  secs: { type: string, default: "1" }
resources:
  test:
    type: OS::Heat::TestResource
    properties:
      value: 42
      fail: "False"
      update_replace: "no"
      wait_secs: { get_param: secs }
      action_wait_secs: { create: "0.5" }
      client_name: nova
      entity_name: servers
      constraint_prop_secs: 0
outputs:
  out: { value: { get_attr: [test, output] } }
`,
    );
    expect(stack.state).toBe("CREATE_COMPLETE");
    expect(stack.outputs.out).toBe("42");
    expect(kit.waits).toEqual([500]);
    expect(() => kit.engine.validateTemplate(one({ fail: "maybe" }))).toThrow(/fail: must be a boolean \(true\/false, yes\/no, on\/off, 1\/0\), got string "maybe"/);
    expect(() => kit.engine.validateTemplate(one({ action_wait_secs: { created: 1 } }))).toThrow(/action_wait_secs/);
  });

  it("waits on the runtime's virtual clock when given its sleep", async () => {
    const kit = stackKit((runtime) => [createTestResourceType({ sleep: (ms, signal) => runtime.clock.sleep(ms, signal) })]);
    const t0 = kit.runtime.clock.now();
    const stack = await kit.create("s", one({ wait_secs: 30, action_wait_secs: { delete: 5 } }));
    expect(stack.state).toBe("CREATE_COMPLETE");
    expect(kit.runtime.clock.now() - t0).toBe(30_000);
    await kit.remove("s");
    expect(kit.runtime.clock.now() - t0).toBe(35_000);
  });

  it("waits with wait_secs -1 until the operation is cancelled", async () => {
    const kit = setup();
    await kit.engine.createStack("s", one({ wait_secs: -1 }));
    const running = kit.runtime.step();
    while (kit.waits.length === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(kit.waits).toEqual([-1]);
    await kit.engine.cancelUpdate("s", { rollback: false });
    await running;
    await kit.runtime.runUntilIdle();
    const stack = await kit.engine.getStack("s");
    expect(stack.state).toBe("CREATE_FAILED");
    expect(stack.statusReason).toBe("Stack CREATE cancelled");
    const row = (await kit.live("s")).get("test");
    expect(row?.state).toBe("CREATE_FAILED");
    expect(row?.statusReason).toMatch(/aborted/);
    // The physical id was recorded before the wait, so the delete can address it.
    expect(row?.physicalId).toMatch(/^s-test-/);
  });

  it("rejects bad options, naming the field", () => {
    expect(() => createTestResourceType({ sleep: 5 as never })).toThrow(/invalid option "sleep"/);
    expect(() => createTestResourceType({ type: "" })).toThrow(/invalid option "type"/);
  });
});
