/**
 * The memory runtime's state file across processes: a corrupt or foreign file is reported
 * (naming the file and the problem) and never overwritten; the lock keeps two processes from
 * driving one file and is taken over when its owner is gone; a process killed or interrupted
 * mid-traversal leaves a state the next process resumes; a second process can follow a stack
 * that another one drives.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
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

const statePath = (): string => join(p.dir, ".converge/state.json");

describe("a corrupt or foreign state file", () => {
  const cases: Array<[string, string, RegExp]> = [
    ["garbage", "this is not json {", /: is not valid JSON \(.*\); move it away or pass another --state$/],
    ["empty", "  \n", /: is empty \(not a Converge state file\)/],
    ["foreign JSON", JSON.stringify({ name: "my-app", version: "1.0.0" }), / at format: not a Converge memory snapshot \(expected "format": "converge\.memory-state", got nothing\)/],
    ["a newer version", JSON.stringify({ format: "converge.memory-state", version: 9 }), / at version: written by a newer Converge \(version 9\)/],
  ];
  for (const [label, content, pattern] of cases) {
    it(`is reported and left untouched: ${label}`, async () => {
      p.write(".converge/state.json", content);
      p.write("site.yaml", BASIC);
      for (const args of [["apply", "site.yaml", "--stack", "s"], ["show", "s"], ["list"]]) {
        const result = await p.run(args);
        expect(result.code, args.join(" ")).toBe(1);
        const line = result.stderr.trimEnd();
        expect(line.startsWith(`error: state file ${statePath()}`)).toBe(true);
        expect(line).toMatch(pattern);
        expect(line.split("\n")).toHaveLength(1);
      }
      expect(readFileSync(statePath(), "utf8")).toBe(content);
      expect(existsSync(`${statePath()}.lock`)).toBe(false);
    });
  }

  it("names the path of a damaged record", async () => {
    p.write("site.yaml", BASIC);
    expect((await p.run(["apply", "site.yaml", "--stack", "s"])).code).toBe(0);
    const json = JSON.parse(readFileSync(statePath(), "utf8")) as { stacks: Array<{ rows: Array<Record<string, unknown>> }> };
    const row = json.stacks[0]?.rows[1];
    if (row === undefined) throw new Error("no row");
    row.status = "SOMEWHERE";
    const damaged = JSON.stringify(json);
    writeFileSync(statePath(), damaged);
    const result = await p.run(["apply", "site.yaml", "--stack", "s", "--param", "greeting=x"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^error: state file ${statePath().replace(/[.]/g, "\\.")} at stacks\\[0\\]\\.rows\\[1\\]\\.status: `));
    expect(readFileSync(statePath(), "utf8")).toBe(damaged);
  });
});

describe("the state lock", () => {
  it("stops a second process while the owner lives, and is taken over once it is gone", async () => {
    p.write("site.yaml", BASIC);
    expect((await p.run(["apply", "site.yaml", "--stack", "s"])).code).toBe(0);
    const owner = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    try {
      const since = Date.UTC(2030, 0, 1);
      writeFileSync(`${statePath()}.lock`, JSON.stringify({ pid: owner.pid, host: hostname(), command: "converge apply other.yaml", since }));
      const busy = await p.run(["apply", "site.yaml", "--stack", "s", "--param", "greeting=x"]);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toBe(
        `error: state file is in use by process ${owner.pid} on ${hostname()} (converge apply other.yaml, since 2030-01-01T00:00:00.000Z); wait for it to finish, or delete ${statePath()}.lock if that process is gone\n`,
      );
      // Readers do not need the lock.
      expect((await p.run(["show", "s"])).code).toBe(0);
    } finally {
      owner.kill("SIGKILL");
      await new Promise((resolve) => owner.once("exit", resolve));
    }
    const after = await p.run(["apply", "site.yaml", "--stack", "s", "--param", "greeting=x"]);
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toMatch(/b_out: x/);
    expect(existsSync(`${statePath()}.lock`)).toBe(false);
  });

  it("stops an apply while another apply drives the file", async () => {
    p.write("slow.yaml", slow(3));
    const first = p.start(["apply", "slow.yaml", "--stack", "s"]);
    await first.waitFor(/first\s+CREATE_IN_PROGRESS/);
    const second = await p.run(["apply", "slow.yaml", "--stack", "other"]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/^error: state file is in use by process \d+ on .* \(converge apply slow\.yaml --stack s, since /);
    expect((await first.done).code).toBe(0);
  });
});

describe("a traversal left in progress", () => {
  it("is resumed after the driving process was killed", async () => {
    p.write("slow.yaml", slow(2));
    const apply = p.start(["apply", "slow.yaml", "--stack", "s"]);
    await apply.waitFor(/first\s+CREATE_IN_PROGRESS/);
    // Let the autosave (every 100 ms) record the create in progress, then kill -9.
    await new Promise((resolve) => setTimeout(resolve, 500));
    apply.child.kill("SIGKILL");
    expect((await apply.done).signal).toBe("SIGKILL");
    const shown = JSON.parse((await p.run(["show", "s", "--json"])).stdout) as { stack: { state: string }; resources: Array<{ name: string; state: string }> };
    expect(shown.stack.state).toBe("CREATE_IN_PROGRESS");
    expect(shown.resources.find((r) => r.name === "first")?.state).toBe("CREATE_IN_PROGRESS");
    expect(existsSync(`${statePath()}.lock`)).toBe(true); // left behind by the killed process

    const resumed = await p.run(["events", "s", "--follow"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/first\s+CREATE_IN_PROGRESS\s+resuming interrupted create/);
    expect(resumed.stdout).toMatch(/s\s+CREATE_COMPLETE\s+Stack CREATE completed successfully\n$/);
    const done = JSON.parse((await p.run(["show", "s", "--json"])).stdout) as { stack: { state: string }; resources: Array<{ state: string }> };
    expect(done.stack.state).toBe("CREATE_COMPLETE");
    expect(done.resources.map((r) => r.state)).toEqual(["CREATE_COMPLETE", "CREATE_COMPLETE"]);
    expect(existsSync(`${statePath()}.lock`)).toBe(false);
  });

  it("after Ctrl-C: exit 130, the state saved and unlocked; a later apply converges it", async () => {
    p.write("slow.yaml", slow(30));
    const apply = p.start(["apply", "slow.yaml", "--stack", "s"]);
    await apply.waitFor(/first\s+CREATE_IN_PROGRESS/);
    apply.child.kill("SIGINT");
    const result = await apply.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/^interrupted: stack s is still CREATE_IN_PROGRESS\nits state is saved in state file /);
    expect(existsSync(`${statePath()}.lock`)).toBe(false);
    p.write("quick.yaml", slow(0, "quick"));
    const again = await p.run(["apply", "quick.yaml", "--stack", "s"]);
    expect(again.code, again.stderr).toBe(0);
    const state = JSON.parse((await p.run(["show", "s", "--json"])).stdout) as { stack: { state: string }; resources: Array<{ name: string; properties: { value?: string } }> };
    expect(state.stack.state).toBe("UPDATE_COMPLETE");
    expect(state.resources.find((r) => r.name === "first")?.properties.value).toBe("quick");
  });

  it("can be followed from a second process while the first drives it", async () => {
    p.write("slow.yaml", slow(2));
    const apply = p.start(["apply", "slow.yaml", "--stack", "s"]);
    await apply.waitFor(/first\s+CREATE_IN_PROGRESS/);
    const follower = await p.run(["events", "s", "--follow"]);
    expect(follower.code, follower.stderr).toBe(0);
    expect(follower.stdout).toMatch(/^\S+\s+s\s+CREATE_IN_PROGRESS\s+Stack CREATE started\n/);
    expect(follower.stdout).toMatch(/second\s+CREATE_COMPLETE/);
    expect(follower.stdout).toMatch(/s\s+CREATE_COMPLETE\s+Stack CREATE completed successfully\n$/);
    expect((await apply.done).code).toBe(0);
  });
});
