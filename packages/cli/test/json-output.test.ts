/**
 * `--json` NDJSON on apply, delete, rollback and cancel; `converge output`; pending outputs;
 * the failed-resources list after a rollback - all on the built binary, without a terminal.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Project } from "./support/cli-process.js";
import { project } from "./support/cli-process.js";
import { assertBuilt, runPiped } from "./support/built-cli.js";
import { BASIC, FAILING, slow } from "./support/templates.js";

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

let p: Project;
beforeAll(() => assertBuilt());
beforeEach(() => {
  p = project();
  p.write("site.yaml", BASIC);
});
afterEach(() => p.cleanup());

const piped = (...args: string[]) => runPiped(p.dir, args);

interface Line {
  type: string;
  [key: string]: unknown;
}

/** Every stdout line as JSON (throws on a line that is not). */
function ndjson(stdout: string): Line[] {
  expect(stdout.endsWith("\n")).toBe(true);
  return stdout.trimEnd().split("\n").map((line) => JSON.parse(line) as Line);
}

describe("--json", () => {
  it("apply: the plan, one object per event, then the result; nothing else on stdout", async () => {
    const applied = await piped("apply", "site.yaml", "--stack", "s", "--json");
    expect(applied.code).toBe(0);
    expect(applied.stderr).toBe("");
    const lines = ndjson(applied.stdout);
    expect(lines[0]).toMatchObject({ type: "plan", stack: "s", exists: false, changes: true, destructive: false, summary: { create: 2, update: 0, replace: 0, delete: 0 } });
    const events = lines.slice(1, -1);
    expect(events.every((l) => l.type === "event")).toBe(true);
    expect(events.map((e) => `${String(e.resourceName ?? e.stackName)}:${String(e.action)}_${String(e.status)}`)).toEqual(
      expect.arrayContaining(["s:CREATE_IN_PROGRESS", "a:CREATE_COMPLETE", "b:CREATE_COMPLETE", "s:CREATE_COMPLETE"]),
    );
    const result = lines.at(-1);
    expect(result).toMatchObject({ type: "result", command: "apply", stack: "s", outcome: "succeeded", state: "CREATE_COMPLETE", outputs: { b_out: "hello" }, pendingOutputs: [], failures: [], exitCode: 0 });
    expect(typeof result?.elapsedMs).toBe("number");

    const same = await piped("apply", "site.yaml", "--stack", "s", "--json");
    expect(ndjson(same.stdout).map((l) => [l.type, l.outcome])).toEqual([["plan", undefined], ["result", "no_changes"]]);
  });

  it("a failure: the result names the failed resource and the original reason, exit 1", async () => {
    p.write("failing.yaml", FAILING);
    const failed = await piped("apply", "failing.yaml", "--stack", "f", "--json");
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe("");
    const result = ndjson(failed.stdout).at(-1);
    expect(result).toMatchObject({ type: "result", outcome: "failed", state: "ROLLBACK_COMPLETE", exitCode: 1 });
    expect(result?.failures).toEqual([
      { resource: "boom", state: "CREATE_FAILED", reason: "Test Resource failed boom" },
      { resource: null, state: "CREATE_FAILED", reason: "Resource CREATE failed: boom: Test Resource failed boom" },
    ]);
  });

  it("delete: refused without --yes (a not_confirmed result, the reason on stderr), done with it", async () => {
    expect((await piped("apply", "site.yaml", "--stack", "s")).code).toBe(0);
    const refused = await piped("delete", "s", "--json");
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/^refusing to delete stack s without confirmation/);
    expect(ndjson(refused.stdout).map((l) => [l.type, l.outcome])).toEqual([["plan", undefined], ["result", "not_confirmed"]]);
    const deleted = await piped("delete", "s", "--json", "--yes");
    expect(deleted.code).toBe(0);
    expect(ndjson(deleted.stdout).at(-1)).toMatchObject({ type: "result", command: "delete", outcome: "succeeded", state: null, outputs: {} });
  });

  it("rollback and cancel", async () => {
    p.write("failing.yaml", FAILING);
    expect((await piped("apply", "failing.yaml", "--stack", "f", "--no-rollback")).code).toBe(1);
    const rolled = await piped("rollback", "f", "--json");
    expect(rolled.code).toBe(0);
    const lines = ndjson(rolled.stdout);
    expect(lines[0]?.type).toBe("event");
    expect(lines.at(-1)).toMatchObject({ type: "result", command: "rollback", outcome: "succeeded", state: "ROLLBACK_COMPLETE" });

    p.write("slow.yaml", slow(60));
    expect((await piped("apply", "slow.yaml", "--stack", "c", "--no-wait")).code).toBe(0);
    const cancelled = await piped("cancel", "c", "--no-rollback", "--json");
    expect(cancelled.code).toBe(0);
    expect(ndjson(cancelled.stdout).at(-1)).toMatchObject({ type: "result", command: "cancel", outcome: "succeeded", state: "CREATE_FAILED" });
  });
});

describe("converge output", () => {
  it("prints one value plainly, all as name = value, or JSON; an unknown name is exit 2", async () => {
    expect((await piped("apply", "site.yaml", "--stack", "s", "--param", "greeting=hi there")).code).toBe(0);
    expect(await piped("output", "s", "b_out")).toEqual({ code: 0, stdout: "hi there\n", stderr: "" });
    expect((await piped("output", "s")).stdout).toBe("b_out = hi there\n");
    expect((await piped("output", "s", "b_out", "--json")).stdout).toBe('"hi there"\n');
    expect(JSON.parse((await piped("output", "s", "--json")).stdout)).toEqual({ outputs: { b_out: "hi there" }, pending: [] });
    const unknown = await piped("output", "s", "nope");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('error: invalid option "NAME": stack "s" has no output "nope"; its outputs: b_out\n');
  });

  it("an output waiting for a resource in progress is (pending), in output and show", async () => {
    p.write("slow.yaml", `${slow(60)}outputs:\n  second_out:\n    value: { get_attr: [second, output] }\n  fixed:\n    value: constant\n`);
    expect((await piped("apply", "slow.yaml", "--stack", "w", "--no-wait")).code).toBe(0);
    expect((await piped("output", "w")).stdout).toBe("second_out = (pending)\nfixed = constant\n");
    const one = await piped("output", "w", "second_out");
    expect(one.code).toBe(1);
    expect(one.stdout).toBe("");
    expect(one.stderr).toMatch(/^output "second_out" of stack w is pending: the stack is CREATE_IN_PROGRESS/);
    expect((await piped("show", "w")).stdout).toContain("outputs\n  second_out: (pending)\n  fixed: constant\n");
    expect(JSON.parse((await piped("show", "w", "--json")).stdout)).toMatchObject({ pendingOutputs: ["second_out"] });
  });
});

describe("after a rollback", () => {
  it("the failed-resources list shows the original failure, not the replacement bookkeeping", async () => {
    const one = (value: string, fail: boolean) => `resources:\n  test1:\n    type: OS::Heat::TestResource\n    properties:\n      value: one\n  test2:\n    type: OS::Heat::TestResource\n    properties:\n      value: ${value}\n      fail: ${String(fail)}\n`;
    p.write("ok.yaml", one("two", false));
    p.write("bad.yaml", one("changed", true));
    expect((await piped("apply", "ok.yaml", "--stack", "r")).code).toBe(0);
    const failed = await piped("apply", "bad.yaml", "--stack", "r");
    expect(failed.code).toBe(1);
    // The rollback replaced the row whose update failed: its event restates UPDATE_FAILED.
    expect(failed.stdout).toMatch(/test2\s+UPDATE_FAILED\s+replacement \d+ made: previous update failed/);
    expect(failed.stderr).toMatch(/stack r UPDATE_FAILED, rolled back \(ROLLBACK_COMPLETE\)/);
    expect(failed.stderr).toMatch(/failed resources:\n {2}test2 {2}UPDATE_FAILED {2}Test Resource failed test2\n$/);
  });
});
