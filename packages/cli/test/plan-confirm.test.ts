/**
 * The plan and its confirmation, run on the built binary: in a pseudo-terminal (answered y or
 * n, or --yes) and without one (create-only plans go on, destructive ones are refused unless
 * --yes), "No changes." without a traversal, --force.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Project } from "./support/cli-process.js";
import { project } from "./support/cli-process.js";
import { assertBuilt, plainText, runInPty, runPiped } from "./support/built-cli.js";
import { BASIC, CHANGED } from "./support/templates.js";

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

let p: Project;
beforeAll(() => assertBuilt());
beforeEach(() => {
  p = project();
  p.write("site.yaml", BASIC);
  p.write("changed.yaml", CHANGED);
});
afterEach(() => p.cleanup());

const piped = (...args: string[]) => runPiped(p.dir, args);

async function stateOf(name: string): Promise<string | null> {
  const shown = await piped("show", name, "--json");
  if (shown.code !== 0) return null;
  return (JSON.parse(shown.stdout) as { stack: { state: string } }).stack.state;
}

async function eventCount(name: string): Promise<number> {
  return (await piped("events", name, "--json")).stdout.trim().split("\n").length;
}

describe("apply without a terminal", () => {
  it("shows the plan and goes on when it only creates; says No changes and starts nothing when nothing changes", async () => {
    const created = await piped("apply", "site.yaml", "--stack", "s");
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^ACTION\s+NAME\s+TYPE\s+CHANGED\s+REASON\ncreate\s+a\s+OS::Heat::TestResource/);
    expect(created.stdout).toContain("Plan: 2 to create, 0 to update, 0 to replace, 0 to delete.\n");
    expect(created.stdout).toMatch(/\sa\s+CREATE_COMPLETE\s+state changed \(s-a-\w+\)  (\d+ms|\d+\.\ds)\n/); // how long it took
    expect(created.stdout).toMatch(/stack s CREATE_COMPLETE/);

    const events = await eventCount("s");
    const same = await piped("apply", "site.yaml", "--stack", "s");
    expect(same.code).toBe(0);
    expect(same.stderr).toBe("");
    expect(same.stdout).toBe("No changes. Stack s already matches the template.\noutputs:\n  b_out: hello\n");
    expect(await eventCount("s")).toBe(events);

    const forced = await piped("apply", "site.yaml", "--stack", "s", "--force");
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/s\s+UPDATE_COMPLETE\s+Stack UPDATE completed successfully/);
    expect(await eventCount("s")).toBeGreaterThan(events);
  });

  it("goes on with an in-place update; refuses a plan that deletes, unless --yes", async () => {
    expect((await piped("apply", "site.yaml", "--stack", "s")).code).toBe(0);
    const updated = await piped("apply", "site.yaml", "--stack", "s", "--param", "greeting=bye");
    expect(updated.code).toBe(0);
    expect(updated.stdout).toMatch(/update\s+a\s+OS::Heat::TestResource\s+value\s+updated in place/);
    expect(updated.stdout).toContain("Plan: 0 to create, 1 to update, 0 to replace, 0 to delete, 1 decided during the update.");

    const refused = await piped("apply", "changed.yaml", "--stack", "s");
    expect(refused.code).toBe(3);
    expect(refused.stdout).toContain("Plan: 1 to create, 1 to update, 0 to replace, 1 to delete.");
    expect(refused.stderr).toBe("refusing to apply stack s without confirmation: it has 1 to delete, and there is no terminal to ask; pass --yes to apply anyway\n");
    expect(await stateOf("s")).toBe("UPDATE_COMPLETE");
    expect((await piped("output", "s", "b_out")).stdout).toBe("bye\n");

    const approved = await piped("apply", "changed.yaml", "--stack", "s", "--yes");
    expect(approved.code).toBe(0);
    expect(approved.stdout).toMatch(/b\s+DELETE_COMPLETE/);
  });

  it("delete needs --yes", async () => {
    expect((await piped("apply", "site.yaml", "--stack", "s")).code).toBe(0);
    const refused = await piped("delete", "s");
    expect(refused.code).toBe(3);
    expect(refused.stdout).toMatch(/delete\s+a\s+OS::Heat::TestResource/);
    expect(refused.stdout).toContain("Plan: 0 to create, 0 to update, 0 to replace, 2 to delete.");
    expect(refused.stderr).toMatch(/^refusing to delete stack s without confirmation: it has 2 to delete/);
    expect(await stateOf("s")).toBe("CREATE_COMPLETE");
    const deleted = await piped("delete", "s", "--yes");
    expect(deleted.code).toBe(0);
    expect(await stateOf("s")).toBeNull();
  });
});

describe("apply and delete in a terminal", () => {
  it("asks, and does nothing when the answer is n", async () => {
    const declined = await runInPty(p.dir, ["apply", "site.yaml", "--stack", "s"], { answer: "n" });
    const text = plainText(declined.stdout);
    expect(declined.code).toBe(3);
    expect(text).toContain("Plan: 2 to create, 0 to update, 0 to replace, 0 to delete.");
    expect(text).toContain("Do you want to apply stack s as planned? Only 'y' or 'yes' goes on. [y/N] n");
    expect(text).toContain("apply cancelled: nothing was changed");
    expect(await stateOf("s")).toBeNull();
  });

  it("applies when the answer is y, showing the live view; deletes after a y", async () => {
    const applied = await runInPty(p.dir, ["apply", "site.yaml", "--stack", "s"], { answer: "y" });
    const text = plainText(applied.stdout);
    expect(applied.code).toBe(0);
    expect(text).toMatch(/\[y\/N\] y\n/);
    expect(text).toMatch(/✔ a\s+OS::Heat::TestResource\s+CREATE_COMPLETE\s+(\d+ms|\d+\.\ds)/);
    expect(text).toMatch(/✔ stack s CREATE_COMPLETE in /);
    expect(text).not.toContain("INIT_COMPLETE"); // a resource not reached yet shows as waiting
    expect(await stateOf("s")).toBe("CREATE_COMPLETE");

    const deleted = await runInPty(p.dir, ["delete", "s"], { answer: "yes" });
    expect(deleted.code).toBe(0);
    expect(plainText(deleted.stdout)).toContain("Do you want to delete stack s as planned?");
    expect(await stateOf("s")).toBeNull();
  });

  it("--yes does not ask", async () => {
    const applied = await runInPty(p.dir, ["apply", "site.yaml", "--stack", "s", "--yes"]);
    expect(applied.code).toBe(0);
    expect(plainText(applied.stdout)).not.toContain("[y/N]");
    expect(await stateOf("s")).toBe("CREATE_COMPLETE");
  });
});
