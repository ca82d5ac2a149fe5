/**
 * The CLI's pure parts, in-process: argument parsing, template error location, the graph
 * renderers' escaping, the live frame, progress counting over a memory runtime, the state
 * lock, and `runCli` with a captured I/O.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createEngine, createMemoryRuntime, InvalidOptionsError } from "@converge/core";
import type { StackRecord } from "@converge/core";
import { allTypes } from "@converge/plugins";
import { StateLockedError, runCli } from "@converge/cli";
import { ProgressTracker } from "../src/render/progress.js";
import { acquireStateLock } from "../src/state/state-lock.js";
import { parseDuration, parseParams } from "../src/args.js";
import { renderDot, renderMermaid } from "../src/render/graph-render.js";
import { renderFrame } from "../src/render/live-view.js";
import { captureIo } from "./support/capture-io.js";
import type { Progress } from "../src/render/progress.js";
import { palette } from "../src/render/format.js";
import { excerpt, positionOfPath } from "../src/template-file.js";
import { redactUrl } from "../src/session-redis.js";

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "converge-unit-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("arguments", () => {
  it("parses --param NAME=VALUE (values may contain =) and rejects malformed ones", () => {
    expect(parseParams(["a=1", "b=x=y", "a=2", "empty="])).toEqual({ a: "2", b: "x=y", empty: "" });
    expect(Object.keys(parseParams(["__proto__=1"]))).toEqual(["__proto__"]);
    expect(() => parseParams(["=1"])).toThrow(InvalidOptionsError);
    expect(() => parseParams(["novalue"])).toThrow('invalid option "--param": expected NAME=VALUE, got "novalue"');
  });

  it("parses durations", () => {
    expect(parseDuration("--timeout", "90")).toBe(90_000);
    expect(parseDuration("--timeout", "1.5s")).toBe(1500);
    expect(parseDuration("--timeout", "10m")).toBe(600_000);
    expect(parseDuration("--timeout", "2h")).toBe(7_200_000);
    expect(parseDuration("--timeout", "250ms")).toBe(250);
    for (const bad of ["", "10x", "-1s", "0", "ten"]) expect(() => parseDuration("--timeout", bad)).toThrow(/--timeout/);
  });
});

describe("template error location", () => {
  const text = "resources:\n  web.app:\n    type: T\n    properties:\n      image: x\n";

  it("finds the node a dotted path names, keys with dots included", () => {
    expect(positionOfPath(text, "resources.web.app.properties.image")).toEqual({ line: 5, column: 7 });
    expect(positionOfPath(text, "resources.web.app.type")).toEqual({ line: 3, column: 5 });
    expect(positionOfPath(text, "resources.web.app.properties.missing")).toEqual({ line: 4, column: 5 });
    expect(positionOfPath('{"resources": {"a": {"type": 1}}}', "resources.a.type")).toEqual({ line: 1, column: 22 });
    expect(positionOfPath("a: [", "a")).toBeUndefined();
  });

  it("draws an excerpt with a caret", () => {
    expect(excerpt(text, { line: 5, column: 7 })).toBe(["  3 |     type: T", "  4 |     properties:", "> 5 |       image: x", "    |       ^"].join("\n"));
  });
});

describe("graph renderers", () => {
  const input = {
    title: 'a "quoted" <title>',
    nodes: [
      { name: 'we"b', type: "T", state: "CREATE_FAILED" },
      { name: "d\\b", type: "T", state: "CREATE_IN_PROGRESS" },
    ],
    edges: [['we"b', "d\\b"] as const],
  };

  it("escapes names in Mermaid labels and DOT strings", () => {
    const mermaid = renderMermaid(input);
    expect(mermaid).toContain('n0["we#quot;b<br/>T<br/>CREATE_FAILED"]');
    expect(mermaid).toContain("%% a #quot;quoted#quot; #lt;title#gt;");
    expect(mermaid).toContain("n0 --> n1");
    expect(mermaid).toContain("class n0 failed");
    expect(mermaid).toContain("class n1 working");
    const dot = renderDot(input);
    expect(dot).toContain('digraph "a \\"quoted\\" <title>" {');
    expect(dot).toContain('"we\\"b" -> "d\\\\b";');
  });
});

describe("live view", () => {
  const stack = { action: "UPDATE", status: "IN_PROGRESS" } as StackRecord;
  const line = (name: string, state: string, done: boolean, reason = "") => ({ name, type: "OS::Heat::TestResource", state, physicalId: `${name}-1`, reason, done, others: 0, inTarget: true });

  it("renders a title, a progress bar and one row per resource", () => {
    const progress: Progress = { stack, done: 1, total: 3, lines: [line("db", "UPDATE_COMPLETE", true), line("app", "UPDATE_IN_PROGRESS", false), line("web", "CREATE_FAILED", false, "boom")] };
    const frame = renderFrame(progress, { palette: palette(false), title: "apply site", elapsedMs: 3200, tick: 0, columns: 100, maxLines: 20 });
    expect(frame[0]).toBe("⠋ apply site  UPDATE_IN_PROGRESS  3.2s");
    expect(frame[1]).toBe(`[${"█".repeat(8)}${"░".repeat(16)}] 1/3  1 failed · 1 in progress · 1 done`);
    // Grouped: failed, in progress, waiting, done.
    expect(frame[2]).toMatch(/^ {2}✘ web .*CREATE_FAILED {9}\s+boom$/);
    expect(frame[3]).toMatch(/^ {2}⠋ app .*UPDATE_IN_PROGRESS/);
    expect(frame[4]).toMatch(/^ {2}✔ db {4}OS::Heat::TestResource {2}UPDATE_COMPLETE {7}\s+db-1$/);
  });

  it("keeps busy rows when the terminal is short, and cuts long reasons", () => {
    const lines = [...Array.from({ length: 10 }, (_, i) => line(`done${i}`, "CREATE_COMPLETE", true)), line("busy", "CREATE_IN_PROGRESS", false), line("bad", "CREATE_FAILED", false, "x".repeat(500))];
    const frame = renderFrame({ stack, done: 10, total: 12, lines }, { palette: palette(false), title: "t", elapsedMs: 0, tick: 1, columns: 80, maxLines: 6 });
    expect(frame).toHaveLength(6);
    expect(frame.some((l) => l.includes("busy"))).toBe(true);
    expect(frame.some((l) => l.includes("bad"))).toBe(true);
    expect(frame.at(-1)).toBe("  … 9 more");
    expect(Math.max(...frame.map((l) => [...l].length))).toBeLessThan(80);
  });
});

describe("progress", () => {
  it("counts a replacement done only once its old incarnation is gone", async () => {
    const runtime = createMemoryRuntime({ mode: "manual" });
    const engine = createEngine({ runtime, types: allTypes, engineId: "e1" });
    const one = { resources: { a: { type: "OS::Heat::TestResource", properties: { value: "1", update_replace: true } }, b: { type: "OS::Heat::None" } } };
    await engine.createStack("s", one);
    const id = (await runtime.store.findStackId("s")) as string;
    const tracker = new ProgressTracker(runtime.store, id);
    expect((await tracker.read()).done).toBe(0);
    await runtime.runUntilIdle();
    expect(await tracker.read()).toMatchObject({ done: 2, total: 2 });

    await engine.updateStack("s", { resources: { a: { type: "OS::Heat::TestResource", properties: { value: "2", update_replace: true } } } });
    const seen: string[] = [];
    while (await runtime.step()) {
      const p = await tracker.read();
      const a = p.lines.find((l) => l.name === "a");
      seen.push(`${p.done}/${p.total}:${a?.state}:${a?.others}:${a?.done}`);
    }
    const last = await tracker.read();
    expect(last).toMatchObject({ done: 2, total: 2 });
    expect(last.lines.map((l) => [l.name, l.state, l.done])).toEqual([["a", "CREATE_COMPLETE", true], ["b", "DELETE_COMPLETE", true]]);
    // While the replacement existed next to the old row, `a` was not done.
    expect(seen.some((s) => /:CREATE_COMPLETE:1:false$/.test(s))).toBe(true);
  });
});

describe("state lock", () => {
  it("is exclusive, taken over from a dead process, and released only by its owner", () => {
    const state = join(tempDir(), "state.json");
    writeFileSync(`${state}.lock`, JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), command: "old", since: 1 }));
    const lock = acquireStateLock(state, "converge test");
    expect(JSON.parse(readFileSync(`${state}.lock`, "utf8"))).toMatchObject({ pid: process.pid, command: "converge test" });
    expect(() => acquireStateLock(state, "again")).toThrow(StateLockedError);
    lock.release();
    expect(existsSync(`${state}.lock`)).toBe(false);
    const next = acquireStateLock(state, "next");
    lock.release(); // a released lock never removes a later one
    expect(existsSync(`${state}.lock`)).toBe(true);
    next.release();
  });

  it("names the live owner", () => {
    const state = join(tempDir(), "state.json");
    writeFileSync(`${state}.lock`, JSON.stringify({ pid: process.ppid, host: hostname(), command: "converge apply x", since: 0 }));
    expect(() => acquireStateLock(state, "me")).toThrow(StateLockedError);
    expect(() => acquireStateLock(state, "me")).toThrow(`state file is in use by process ${process.ppid} on ${hostname()} (converge apply x, since 1970-01-01T00:00:00.000Z)`);
  });
});

describe("runCli in-process", () => {
  const io = (): ReturnType<typeof captureIo> => captureIo(tempDir());

  it("prints usage without a command (exit 2), the version, and command help", async () => {
    const none = io();
    expect(await runCli([], none)).toBe(2);
    expect(none.out).toMatch(/^converge \S+ - converge stacks/);
    const version = io();
    expect(await runCli(["--version"], version)).toBe(0);
    expect(version.out).toMatch(/^\d+\.\d+\.\d+/);
    const help = io();
    expect(await runCli(["help", "graph"], help)).toBe(0);
    expect(help.out).toMatch(/^Usage: converge graph \[<template>\] \[--stack NAME\] \[--format mermaid\|dot\|text\]/);
  });

  it("applies and shows in-process with a state file", async () => {
    const run = io();
    writeFileSync(join(run.cwd, "t.json"), JSON.stringify({ resources: { v: { type: "OS::Heat::Value", properties: { value: 42 } } }, outputs: { v: { value: { get_attr: ["v", "value"] } } } }));
    expect(await runCli(["apply", "t.json", "--stack", "s"], run)).toBe(0);
    expect(run.err).toBe("");
    expect(run.out).toMatch(/outputs:\n {2}v: 42\n$/);
    expect(existsSync(join(run.cwd, ".converge/state.json"))).toBe(true);
    const shown = io();
    Object.assign(shown, { cwd: run.cwd });
    expect(await runCli(["show", "s", "--json"], shown)).toBe(0);
    expect(JSON.parse(shown.out)).toMatchObject({ stack: { state: "CREATE_COMPLETE", outputs: { v: 42 } } });
  });
});

describe("redis URLs", () => {
  it("redacts passwords of Redis URLs", () => {
    expect(redactUrl("redis://user:secret@host:6379/0")).toBe("redis://user:***@host:6379/0");
    expect(redactUrl("rediss://:secret@host")).toBe("rediss://:***@host");
    expect(redactUrl("redis://host:6379")).toBe("redis://host:6379");
  });
});
