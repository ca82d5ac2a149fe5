/**
 * The heartbeat of the built binary without a terminal: a resource at work for 10 s gets a
 * "still creating" line (driven by observed output, not by sleeping).
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Project } from "./support/cli-process.js";
import { project } from "./support/cli-process.js";
import { assertBuilt, startPiped } from "./support/built-cli.js";
import { slow } from "./support/templates.js";

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

let p: Project;
beforeAll(() => assertBuilt());
beforeEach(() => {
  p = project();
});
afterEach(() => p.cleanup());

describe("heartbeat", () => {
  it("prints 'first: still creating (10s elapsed)' after 10 s of work while a create runs, then stops on Ctrl-C", async () => {
    p.write("slow.yaml", slow(600));
    const running = startPiped(p.dir, ["apply", "slow.yaml", "--stack", "s"]);
    const beatLine = /^first: still creating \((\d+)s elapsed\)$/m;
    await running.waitFor(beatLine);
    running.child.kill("SIGINT");
    const result = await running.done;
    expect(result.code).toBe(130);
    const lines = result.stdout.split("\n");
    const started = lines.findIndex((l) => /\sfirst\s+CREATE_IN_PROGRESS/.test(l));
    const beat = lines.findIndex((l) => beatLine.test(l));
    // The first heartbeat comes after 10 s of work (a busy machine may print it a little late).
    const seconds = Number(beatLine.exec(result.stdout)?.[1]);
    expect(seconds).toBeGreaterThanOrEqual(10);
    expect(seconds).toBeLessThan(20);
    expect(started).toBeGreaterThanOrEqual(0);
    expect(beat).toBeGreaterThan(started);
    // `second` waits for `first`: it is not at work, so it gets no heartbeat.
    expect(result.stdout).not.toMatch(/^second: still/m);
  });
});
