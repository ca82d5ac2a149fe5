/**
 * cancel, rollback and delete on the memory runtime. A traversal left in progress by
 * `apply --no-wait` (or by an interrupted apply) is what these commands act on: the next
 * process restores it from the state file and carries on with the new operation.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Project } from "./support/cli-process.js";
import { project } from "./support/cli-process.js";
import { BASIC, slow } from "./support/templates.js";

// Every step is a child process (~1 s each, more on a busy machine).
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

let p: Project;
beforeEach(() => {
  p = project();
});
afterEach(() => p.cleanup());

interface ShowJson {
  stack: { state: string; statusReason: string; outputs: Record<string, unknown> };
  resources: Array<{ name: string; state: string; statusReason: string; properties: Record<string, unknown> }>;
}

async function show(name: string): Promise<ShowJson> {
  const result = await p.run(["show", name, "--json"]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as ShowJson;
}

/** BASIC, with `b` failing on update. */
const BASIC_FAILING_B = BASIC.replace("      value: { get_attr: [a, output] }\n", "      value: { get_attr: [a, output] }\n      fail: true\n");

describe("converge cancel", () => {
  it("cancels a create in progress and rolls it back", async () => {
    p.write("slow.yaml", slow(60));
    const started = await p.run(["apply", "slow.yaml", "--stack", "s", "--no-wait"]);
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/apply: stack s is CREATE_IN_PROGRESS \(traversal [0-9a-f-]+\); not waiting/);
    expect((await show("s")).stack.state).toBe("CREATE_IN_PROGRESS");
    const cancelled = await p.run(["cancel", "s"]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toMatch(/s\s+ROLLBACK_IN_PROGRESS\s+Stack CREATE cancelled; rolling back/);
    expect(cancelled.stdout).toMatch(/stack s ROLLBACK_COMPLETE in /);
    const state = await show("s");
    expect(state.stack.state).toBe("ROLLBACK_COMPLETE");
    expect(state.resources).toEqual([]);
  });

  it("with --no-rollback only stops: the stack is CREATE_FAILED \"cancelled\"", async () => {
    p.write("slow.yaml", slow(60));
    expect((await p.run(["apply", "slow.yaml", "--stack", "s", "--no-wait"])).code).toBe(0);
    const cancelled = await p.run(["cancel", "s", "--no-rollback"]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toMatch(/stack s CREATE_FAILED in /);
    const state = await show("s");
    expect(state.stack).toMatchObject({ state: "CREATE_FAILED", statusReason: "Stack CREATE cancelled" });
    // The stack can still be changed: delete it.
    expect((await p.run(["delete", "s", "--yes"])).code).toBe(0);
  });

  it("refuses a stack that is not in progress", async () => {
    p.write("site.yaml", BASIC);
    expect((await p.run(["apply", "site.yaml", "--stack", "site"])).code).toBe(0);
    const result = await p.run(["cancel", "site"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: stack "site" is CREATE_COMPLETE; only a create, update or rollback in progress can be cancelled\n');
  });
});

describe("converge rollback", () => {
  it("rolls a failed update back to the last completed template", async () => {
    p.write("site.yaml", BASIC);
    p.write("failing.yaml", BASIC_FAILING_B);
    expect((await p.run(["apply", "site.yaml", "--stack", "site"])).code).toBe(0);
    const failed = await p.run(["apply", "failing.yaml", "--stack", "site", "--param", "greeting=bye", "--no-rollback"]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/stack site UPDATE_FAILED/);
    expect(failed.stderr).toMatch(/ {2}b {2}UPDATE_FAILED {2}Test Resource failed b/);
    expect((await show("site")).stack.state).toBe("UPDATE_FAILED");

    const rolled = await p.run(["rollback", "site"]);
    expect(rolled.code, rolled.stderr).toBe(0);
    expect(rolled.stdout).toMatch(/site\s+ROLLBACK_IN_PROGRESS\s+Rollback requested/);
    expect(rolled.stdout).toMatch(/stack site ROLLBACK_COMPLETE/);
    const state = await show("site");
    expect(state.stack).toMatchObject({ state: "ROLLBACK_COMPLETE", outputs: { b_out: "hello" } });
    expect(state.resources.map((r) => [r.name, r.state, r.properties.value])).toEqual(
      expect.arrayContaining([
        ["a", expect.stringMatching(/_COMPLETE$/), "hello"],
        ["b", expect.stringMatching(/_COMPLETE$/), "hello"],
      ]),
    );
    expect(state.resources).toHaveLength(2);
  });

  it("refuses a completed stack", async () => {
    p.write("site.yaml", BASIC);
    expect((await p.run(["apply", "site.yaml", "--stack", "site"])).code).toBe(0);
    const result = await p.run(["rollback", "site"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: stack "site" is CREATE_COMPLETE; only a FAILED or IN_PROGRESS create\/update can be rolled back\n$/);
  });
});

describe("converge delete", () => {
  it("deletes every resource and the stack", async () => {
    p.write("site.yaml", BASIC);
    expect((await p.run(["apply", "site.yaml", "--stack", "site"])).code).toBe(0);
    const deleted = await p.run(["delete", "site", "--yes"]);
    expect(deleted.code, deleted.stderr).toBe(0);
    const lines = deleted.stdout.split("\n");
    const bDone = lines.findIndex((l) => /\sb\s+DELETE_COMPLETE/.test(l));
    const aStart = lines.findIndex((l) => /\sa\s+DELETE_IN_PROGRESS/.test(l));
    expect(bDone).toBeGreaterThanOrEqual(0);
    expect(aStart).toBeGreaterThan(bDone); // dependents first
    expect(deleted.stdout).toMatch(/stack site DELETE_COMPLETE in /);
    const gone = await p.run(["show", "site"]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe('error: stack "site" does not exist\n');
    const again = await p.run(["delete", "site"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('error: stack "site" does not exist\n');
  });

  it("deletes a stack whose create is in progress", async () => {
    p.write("slow.yaml", slow(60));
    expect((await p.run(["apply", "slow.yaml", "--stack", "s", "--no-wait"])).code).toBe(0);
    const deleted = await p.run(["delete", "s", "--yes"]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect((await p.run(["list"])).stdout).toBe("no stacks\n");
  });
});
