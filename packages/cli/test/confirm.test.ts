/**
 * The confirmation in-process, with a scripted terminal on stdin: the answers accepted, the
 * end of input, Ctrl-C at the question, and the question never asked with --json.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { CliIo, InterruptSignal } from "@converge/cli";
import { runCli } from "@converge/cli";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const TEMPLATE = JSON.stringify({ resources: { v: { type: "OS::Heat::Value", properties: { value: 1 } } } });

/** A process whose stdin is a terminal that answers `answer` (null: end of input). */
function terminal(cwd: string, answer: string | null | "interrupt") {
  const captured = { out: "", err: "", asked: 0 };
  let interrupt: ((signal: InterruptSignal) => void) | null = null;
  const io: CliIo = {
    stdout: { write: (t: string) => void (captured.out += t) },
    stderr: { write: (t: string) => void (captured.err += t) },
    stdin: {
      isTTY: true,
      readLine: (signal) => {
        captured.asked += 1;
        if (answer !== "interrupt") return Promise.resolve(answer);
        return new Promise((resolve) => {
          signal?.addEventListener("abort", () => resolve(null), { once: true });
          interrupt?.("SIGINT");
        });
      },
    },
    env: { NO_COLOR: "1" },
    cwd,
    onInterrupt: (handler) => {
      interrupt = handler;
      return () => undefined;
    },
  };
  return { io, captured };
}

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "converge-confirm-"));
  dirs.push(dir);
  writeFileSync(join(dir, "t.json"), TEMPLATE);
  return dir;
}

async function stackState(cwd: string): Promise<string | null> {
  const { io, captured } = terminal(cwd, null);
  if ((await runCli(["show", "s", "--json"], io)) !== 0) return null;
  return (JSON.parse(captured.out) as { stack: { state: string } }).stack.state;
}

describe("confirmation on a terminal", () => {
  it.each(["y", "Y", "yes", " YES "])("goes on after %j", async (answer) => {
    const cwd = project();
    const { io, captured } = terminal(cwd, answer);
    expect(await runCli(["apply", "t.json", "--stack", "s"], io)).toBe(0);
    expect(captured.asked).toBe(1);
    expect(captured.out).toContain("Plan: 1 to create, 0 to update, 0 to replace, 0 to delete.\n\nDo you want to apply stack s as planned? Only 'y' or 'yes' goes on. [y/N] ");
    expect(await stackState(cwd)).toBe("CREATE_COMPLETE");
  });

  it.each(["n", "", "ok", null])("does nothing after %j (exit 3)", async (answer) => {
    const cwd = project();
    const { io, captured } = terminal(cwd, answer);
    expect(await runCli(["apply", "t.json", "--stack", "s"], io)).toBe(3);
    expect(captured.err).toBe("apply cancelled: nothing was changed\n");
    expect(await stackState(cwd)).toBeNull();
  });

  it("Ctrl-C at the question: exit 130, nothing changed", async () => {
    const cwd = project();
    const { io } = terminal(cwd, "interrupt");
    expect(await runCli(["apply", "t.json", "--stack", "s"], io)).toBe(130);
    expect(await stackState(cwd)).toBeNull();
  });

  it("never asks with --json or --yes; No changes does not ask either", async () => {
    const cwd = project();
    const json = terminal(cwd, "n");
    expect(await runCli(["apply", "t.json", "--stack", "s", "--json"], json.io)).toBe(0);
    expect(json.captured.asked).toBe(0);
    const yes = terminal(cwd, "n");
    expect(await runCli(["apply", "t.json", "--stack", "s", "--yes", "--force"], yes.io)).toBe(0);
    expect(yes.captured.asked).toBe(0);
    expect(await stackState(cwd)).toBe("UPDATE_COMPLETE");
    const same = terminal(cwd, "n");
    expect(await runCli(["apply", "t.json", "--stack", "s"], same.io)).toBe(0);
    expect(same.captured.asked).toBe(0);
    expect(same.captured.out).toBe("No changes. Stack s already matches the template.\n");
  });
});
