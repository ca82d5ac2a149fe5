/**
 * `converge cancel` from a second process while `converge apply` drives the memory runtime's
 * state file: the running apply receives the request and cancels (then follows the rollback
 * to its end), the second process reports what happened; an error of the owner (nothing in
 * progress) reaches the second process as a typed error; without an owner, cancel works as
 * before.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Project } from "./support/cli-process.js";
import { project } from "./support/cli-process.js";
import { slow } from "./support/templates.js";

// Every step is a child process (~1 s each, more on a busy machine).
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

let p: Project;
beforeEach(() => {
  p = project();
});
afterEach(() => p.cleanup());

const statePath = (): string => join(p.dir, ".converge/state.json");

describe("cancel from a second terminal", () => {
  it("is carried out by the running apply, which follows the rollback; the second process reports it", async () => {
    p.write("slow.yaml", slow(120));
    const apply = p.start(["apply", "slow.yaml", "--stack", "s"]);
    await apply.waitFor(/first\s+CREATE_IN_PROGRESS/);
    const cancel = await p.run(["cancel", "s"]);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toMatch(/^cancel: state file .*state\.json is in use; asking process \d+ \(converge apply slow\.yaml --stack s\) to cancel stack s\n/);
    expect(cancel.stdout).toMatch(/cancelled stack s: ROLLBACK_IN_PROGRESS \(traversal [0-9a-f-]+\)\n/);
    expect(cancel.stdout).toMatch(/cancel: stack s is ROLLBACK_COMPLETE/);
    const applied = await apply.done;
    expect(applied.code).toBe(1); // the apply did not end as it wanted: it was rolled back
    expect(applied.stdout).toMatch(/s\s+ROLLBACK_IN_PROGRESS\s+Stack CREATE cancelled; rolling back/);
    const shown = JSON.parse((await p.run(["show", "s", "--json"])).stdout) as { stack: { state: string }; resources: unknown[] };
    expect(shown.stack.state).toBe("ROLLBACK_COMPLETE");
    expect(shown.resources).toEqual([]);
    expect(readdirSync(`${statePath()}.requests`)).toEqual([]); // request and answer cleaned up
  });

  it("with --no-rollback --no-wait: the apply ends CREATE_FAILED \"cancelled\"", async () => {
    p.write("slow.yaml", slow(120));
    const apply = p.start(["apply", "slow.yaml", "--stack", "s"]);
    await apply.waitFor(/first\s+CREATE_IN_PROGRESS/);
    const cancel = await p.run(["cancel", "s", "--no-rollback", "--no-wait"]);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toMatch(/cancelled stack s: CREATE_FAILED/);
    const applied = await apply.done;
    expect(applied.code).toBe(1);
    expect(applied.stderr).toMatch(/stack s CREATE_FAILED/);
  });

  it("gets the owner's error as its own: a stack not in progress", async () => {
    p.write("slow.yaml", slow(120));
    p.write("quick.yaml", slow(0, "quick"));
    expect((await p.run(["apply", "quick.yaml", "--stack", "done"])).code).toBe(0);
    const apply = p.start(["apply", "slow.yaml", "--stack", "s"]);
    await apply.waitFor(/first\s+CREATE_IN_PROGRESS/);
    const cancel = await p.run(["cancel", "done"]);
    expect(cancel.code).toBe(1);
    expect(cancel.stderr).toBe('error: stack "done" is CREATE_COMPLETE; only a create, update or rollback in progress can be cancelled\n');
    // The apply was left alone; cancel it too so the test ends quickly.
    expect((await p.run(["cancel", "s", "--no-rollback"])).code).toBe(0);
    expect((await apply.done).code).toBe(1);
    expect(existsSync(`${statePath()}.lock`)).toBe(false);
  });
});
