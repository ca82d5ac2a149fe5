/**
 * The stack timeout from the command line: a new stack gets the engine's default (60
 * minutes, as Heat), `--timeout D` sets it, an update without `--timeout` keeps the stack's,
 * and `--timeout none` turns it off. Read back from the state file the commands share.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_STACK_TIMEOUT_MS } from "@converge/core";
import { runCli } from "@converge/cli";
import { captureIo } from "./support/capture-io.js";

const TEMPLATE = `resources:
  v:
    type: OS::Heat::Value
    properties: { value: one }
`;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});


/** The stack's stored timeout, read from the state file. */
function storedTimeout(cwd: string): unknown {
  const state = JSON.parse(readFileSync(join(cwd, ".converge/state.json"), "utf8")) as { stacks: Array<{ stack: { options: { timeoutMs: unknown } } }> };
  return state.stacks[0]?.stack.options.timeoutMs;
}

describe("converge apply --timeout", () => {
  it("defaults to 60 minutes, is set with --timeout, kept by an update without it, and off with none", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "converge-timeout-"));
    dirs.push(cwd);
    writeFileSync(join(cwd, "t.yaml"), TEMPLATE);
    const apply = async (...extra: string[]): Promise<void> => {
      const out = captureIo(cwd);
      expect(await runCli(["apply", "t.yaml", "--stack", "s", ...extra], out), out.err).toBe(0);
    };
    await apply();
    expect(storedTimeout(cwd)).toBe(DEFAULT_STACK_TIMEOUT_MS);
    await apply("--timeout", "10m");
    expect(storedTimeout(cwd)).toBe(600_000);
    await apply();
    expect(storedTimeout(cwd)).toBe(600_000);
    await apply("--timeout", "none");
    expect(storedTimeout(cwd)).toBeNull();
    const bad = captureIo(cwd);
    expect(await runCli(["apply", "t.yaml", "--stack", "s", "--timeout", "never"], bad)).toBe(2);
    expect(bad.err).toMatch(/--timeout/);
  });
});
