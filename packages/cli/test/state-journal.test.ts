/**
 * The journaled state file, in-process: a flush appends only what changed (its size does not
 * grow with the state), the state read back is the runtime's, compaction writes a new state
 * file and journal, a torn last line and a journal of another snapshot are ignored, a corrupt
 * line is a typed error, a state file written before journals existed is read and carried on,
 * and a process that changes nothing writes nothing.
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SnapshotError, createEngine, createMemoryRuntime } from "@converge/core";
import type { Engine, MemoryRuntime, MemorySnapshot, Template } from "@converge/core";
import { allTypes } from "@converge/plugins";
import { journalPath, readJournal, readState } from "../src/state/journal-file.js";
import { JournalWriter } from "../src/state/journal-writer.js";
import { serializeState } from "../src/state/state-file.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function statePath(): string {
  const dir = mkdtempSync(join(tmpdir(), "converge-journal-"));
  dirs.push(dir);
  return join(dir, "state.json");
}

function template(size: number, value = "v"): Template {
  const resources: Record<string, { type: string; properties: Record<string, unknown> }> = {};
  for (let i = 0; i < size; i++) resources[`r${i}`] = { type: "OS::Heat::None", properties: { value: `${value}${i}` } };
  return { resources };
}

/** A comparable view: what `show` reads, without the time stamp and the state id. */
function comparable(snapshot: MemorySnapshot | null): unknown {
  if (snapshot === null) return null;
  const json = JSON.parse(JSON.stringify(snapshot)) as Record<string, unknown>;
  return { ...json, savedAt: 0, stateId: undefined };
}

interface Live {
  readonly runtime: MemoryRuntime;
  readonly engine: Engine;
  readonly writer: JournalWriter;
}

function open(path: string, options: { compactBytes?: number } = {}): Live {
  const { state, journaled } = readState(path);
  const runtime = createMemoryRuntime({ ...(state === null ? {} : { state }), trackChanges: true });
  const engine = createEngine({ runtime, types: allTypes });
  const writer = new JournalWriter({ path, runtime, maxEventsPerStack: 1000, ...options });
  writer.begin(state?.stateId, journaled);
  return { runtime, engine, writer };
}

describe("the state journal", () => {
  it("appends what changed, and reads back as the runtime's state", async () => {
    const path = statePath();
    const live = open(path);
    await live.engine.createStack("big", template(300));
    await live.engine.waitForStack("big");
    expect(live.writer.flush()).toBe(true);
    expect(live.writer.flush()).toBe(false); // nothing changed since
    expect(comparable(readState(path).state)).toEqual(comparable(live.runtime.snapshot({ maxEventsPerStack: 1000 })));

    // One small stack changes: the line appended is small, whatever the size of the state.
    const before = statSync(journalPath(path)).size;
    await live.engine.createStack("small", template(1));
    await live.engine.waitForStack("small");
    live.writer.flush();
    const appended = statSync(journalPath(path)).size - before;
    expect(appended).toBeLessThan(8_000);
    expect(statSync(journalPath(path)).size).toBeGreaterThan(50 * appended); // the big stack went in before
    const read = readState(path);
    expect(read.journaled).toBe(2);
    expect(comparable(read.state)).toEqual(comparable(live.runtime.snapshot({ maxEventsPerStack: 1000 })));
    await live.engine.close();
  });

  it("compacts past its threshold and on close: a new state file, a journal naming it", async () => {
    const path = statePath();
    const live = open(path, { compactBytes: 1 });
    const first = readJournal(journalPath(path))?.header.base;
    await live.engine.createStack("s", template(5));
    await live.engine.waitForStack("s");
    live.writer.flush();
    const journal = readJournal(journalPath(path));
    expect(journal?.changes).toEqual([]);
    expect(journal?.header.base).not.toBe(first);
    expect((JSON.parse(readFileSync(path, "utf8")) as MemorySnapshot).stateId).toBe(journal?.header.base);
    expect(comparable(readState(path).state)).toEqual(comparable(live.runtime.snapshot({ maxEventsPerStack: 1000 })));
    await live.engine.close();
    live.writer.close(true);
    expect(readState(path).journaled).toBe(0);
    // A process that changes nothing does not rewrite the state file.
    const written = readFileSync(path, "utf8");
    const idle = open(path);
    idle.writer.close(true);
    expect(readFileSync(path, "utf8")).toBe(written);
  });

  it("a new process carries on from the state and its journal", async () => {
    const path = statePath();
    const one = open(path);
    await one.engine.createStack("s", template(3));
    one.writer.flush(); // a new state file: written compacted, in progress
    await one.engine.waitForStack("s");
    await one.engine.close();
    one.writer.close(false); // an interrupted process: journal only
    expect(readState(path).journaled).toBeGreaterThan(0);
    const two = open(path); // compacts the other process's journal at its first change
    await two.engine.updateStack("s", template(3, "w"));
    const done = await two.engine.waitForStack("s");
    expect(done.state).toBe("UPDATE_COMPLETE");
    two.writer.flush();
    // The other process's lines went into a new state file; this process's change follows it.
    expect(readState(path).journaled).toBe(1);
    expect(readJournal(journalPath(path))?.header.base).toBe((JSON.parse(readFileSync(path, "utf8")) as MemorySnapshot).stateId);
    const entry = readState(path).state?.stacks[0];
    expect(entry?.stack).toMatchObject({ action: "UPDATE", status: "COMPLETE" });
    expect(entry?.rows.map((r) => r.templateId)).toEqual(Array(3).fill(entry?.stack.templateId));
    await two.engine.close();
  });

  it("ignores a torn last line and a journal of another snapshot; a corrupt line is a typed error", async () => {
    const path = statePath();
    const live = open(path);
    await live.engine.createStack("s", template(2));
    await live.engine.waitForStack("s");
    live.writer.flush();
    await live.engine.close();
    const whole = readState(path);
    appendFileSync(journalPath(path), '{"savedAt": 1, "stacks": [');
    expect(comparable(readState(path).state)).toEqual(comparable(whole.state));

    const lines = readFileSync(journalPath(path), "utf8").split("\n");
    writeFileSync(journalPath(path), [lines[0], "not json", ...lines.slice(1)].join("\n"));
    expect(() => readState(path)).toThrow(SnapshotError);
    expect(() => readState(path)).toThrow(/state journal .*state\.json\.journal at line 2: is not valid JSON/);

    writeFileSync(journalPath(path), `${JSON.stringify({ format: "converge.state-journal", version: 1, base: "other" })}\n{"garbage": true}\n`);
    expect(readState(path).journaled).toBe(0);
    writeFileSync(journalPath(path), `${JSON.stringify({ format: "converge.state-journal", version: 7, base: "x" })}\n`);
    expect(() => readState(path)).toThrow(/line 1: unsupported version 7/);
  });

  it("reads a state file written before journals (no state id), then journals it", async () => {
    const path = statePath();
    const runtime = createMemoryRuntime();
    const engine = createEngine({ runtime, types: allTypes });
    await engine.createStack("old", template(2));
    await engine.waitForStack("old");
    writeFileSync(path, serializeState(runtime.snapshot()));
    await engine.close();
    expect(existsSync(journalPath(path))).toBe(false);
    const oldText = readFileSync(path, "utf8");
    const live = open(path);
    expect((await live.engine.getStack("old"))?.state).toBe("CREATE_COMPLETE");
    live.writer.flush();
    expect(readFileSync(path, "utf8")).toBe(oldText); // untouched until something changes
    expect(existsSync(journalPath(path))).toBe(false);
    await live.engine.updateStack("old", template(2, "w"));
    await live.engine.waitForStack("old");
    live.writer.flush();
    const stateId = (JSON.parse(readFileSync(path, "utf8")) as MemorySnapshot).stateId;
    expect(stateId).toEqual(expect.any(String));
    expect(readJournal(journalPath(path))?.header.base).toBe(stateId);
    expect(readState(path).state?.stacks[0]?.stack).toMatchObject({ action: "UPDATE", status: "COMPLETE" });
    await live.engine.close();
  });
});
