/**
 * Port of Heat's `heat_integrationtests/functional/test_simultaneous_update.py`.
 *
 * Ported: SimultaneousUpdateStackTest (test_retrigger_success, test_retrigger_failure,
 * test_retrigger_timeout) and SimultaneousUpdateNestedStackTest (test_nested_preemption, on
 * template resources). Heat's `time.sleep(n)` between the create and the update is virtual
 * time here (`heldWaits`: test2's 30 s create wait is in progress when the update starts).
 *
 * DIFFERS FROM HEAT (kept as `it.fails`, so it turns red once the behaviour matches):
 * test_nested_preemption's last update empties preempt.yaml while the root still reads
 * `get_attr: [nested_stack, delay_stack]`; Converge refuses that template ("has no output
 * delay_stack") instead of completing the update.
 */
import { describe, expect, it } from "vitest";
import { HeatKit } from "./support/heat-kit.js";

const testTemplate = {
  heat_template_version: "pike",
  description: "Test template to create two resources.",
  resources: {
    test1: { type: "OS::Heat::TestResource", properties: { value: "Test1", fail: false, update_replace: false, wait_secs: 0 } as Record<string, unknown> },
    test2: {
      type: "OS::Heat::TestResource",
      properties: { value: "Test1", fail: false, update_replace: false, wait_secs: 0, action_wait_secs: { create: 30 } } as Record<string, unknown>,
      depends_on: ["test1"],
    },
  },
};

function getTemplates(fail = false, delayS?: number) {
  const before = structuredClone(testTemplate);
  const after = structuredClone(before);
  for (const r of Object.values(after.resources)) r.properties.value = "Test2";
  before.resources.test2.properties.fail = fail;
  if (delayS !== undefined) before.resources.test2.properties.action_wait_secs = { create: delayS };
  return { before, after };
}

/** Heat's `time.sleep(seconds)` while the stack is in progress: run checks, moving virtual time that far. */
async function sleepIn(heat: HeatKit, seconds: number): Promise<void> {
  const until = heat.runtime.clock.now() + seconds * 1000;
  await heat.driveUntil(async () => heat.runtime.pending().length === 0 && heat.running > 0);
  const now = heat.runtime.clock.now();
  if (until > now) heat.runtime.advanceTime(until - now);
}

describe("SimultaneousUpdateStackTest", () => {
  it("test_retrigger_success", async () => {
    const heat = new HeatKit({ heldWaits: true });
    const { before, after } = getTemplates();
    const stack = await heat.stackCreate(before, { expectedStatus: "CREATE_IN_PROGRESS" });
    await sleepIn(heat, 10);
    await heat.updateStack(stack, after);
  });

  it("test_retrigger_failure", async () => {
    const heat = new HeatKit({ heldWaits: true });
    const { before, after } = getTemplates(true);
    const stack = await heat.stackCreate(before, { expectedStatus: "CREATE_IN_PROGRESS" });
    await sleepIn(heat, 10);
    await heat.updateStack(stack, after);
  });

  it("test_retrigger_timeout", async () => {
    const heat = new HeatKit({ heldWaits: true });
    const { before, after } = getTemplates(false, 70);
    const stack = await heat.stackCreate(before, { expectedStatus: "CREATE_IN_PROGRESS", timeout: 1 });
    await sleepIn(heat, 50);
    await heat.updateStack(stack, after);
  });
});

const inputParam = "input";

function tmplWithRsrcs(rsrcs: Record<string, unknown>, outputValue?: unknown): string {
  const tmpl: Record<string, unknown> = {
    heat_template_version: "queens",
    parameters: { [inputParam]: { type: "string" } },
    resources: rsrcs,
  };
  if (outputValue !== undefined) tmpl.outputs = { delay_stack: { value: outputValue } };
  return JSON.stringify(tmpl);
}

describe("SimultaneousUpdateNestedStackTest", () => {
  it.fails("test_nested_preemption (differs: get_attr of an output the nested template no longer declares is refused when the update compiles; Heat's update completes)", async () => {
    const heat = new HeatKit({ heldWaits: true });
    const rootTmpl = tmplWithRsrcs({ nested_stack: { type: "preempt.yaml", properties: { input: { get_param: inputParam } } } }, { get_attr: ["nested_stack", "delay_stack"] });
    const files = {
      "preempt.yaml": tmplWithRsrcs({ delay_stack: { type: "delay.yaml", properties: { input: { get_param: inputParam } } } }, { get_resource: "delay_stack" }),
      "delay.yaml": tmplWithRsrcs({
        delay_resource: { type: "OS::Heat::TestResource", properties: { action_wait_secs: { update: 6000 }, value: { get_param: inputParam } } },
      }),
    };
    const stack = await heat.stackCreate(rootTmpl, { files, parameters: { [inputParam]: "foo" } });
    expect(await heat.output(stack, "delay_stack")).toBeTruthy();
    await heat.updateStack(stack, rootTmpl, { files, parameters: { [inputParam]: "bar" }, expectedStatus: "UPDATE_IN_PROGRESS" });
    await heat.driveUntil(async () => (await heat.engine.listResources(stack)).some((r) => r.state === "UPDATE_IN_PROGRESS" && r.type === "OS::Heat::TestResource"));
    const emptyNestFiles = { "preempt.yaml": tmplWithRsrcs({}) };
    await heat.updateStack(stack, rootTmpl, { files: emptyNestFiles, parameters: { [inputParam]: "baz" } });
  });
});
