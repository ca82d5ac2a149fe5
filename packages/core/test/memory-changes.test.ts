/**
 * Change tracking of the memory runtime: the changes taken at any points of a run (creates,
 * replacements, rollbacks, deletes, duplicate deliveries, timers), folded into the snapshot
 * they continue, give the runtime's own snapshot - also across a checkpoint taken mid-run.
 */
import { describe, expect, it } from "vitest";
import { InvalidOptionsError, applyMemoryChanges, createEngine, createMemoryRuntime, parseMemorySnapshot } from "@converge/core";
import type { MemoryChanges, MemoryRuntime, MemorySnapshot, SnapshotIds } from "@converge/core";
import { Reality, createScenarioType } from "@converge/core/testing";
import { res, silentLogger, tpl } from "./support/protocol-kit.js";

const T1 = tpl({ A: res({ a: "1" }), B: res({ a: "1", c: { get_resource: "A" } }), C: res({ a: "1", ca: { get_attr: ["B", "a"] } }) });
const T2 = tpl({ A: res({ a: "2" }), B: res({ a: "2", "!a": "new", c: { get_resource: "A" } }), D: res({ a: "x" }, ["A"]) });

/** A snapshot as comparable data: JSON text round trip, rows and queue in a fixed order. */
function normal(snapshot: MemorySnapshot): unknown {
  const json = JSON.parse(JSON.stringify(snapshot)) as MemorySnapshot;
  return {
    ...json,
    stacks: json.stacks.map((s) => ({ ...s, rows: [...s.rows].sort((a, b) => Number(a.id) - Number(b.id)) })),
    queue: json.queue.map((q) => JSON.stringify(q.message)).sort(),
    stateId: undefined,
    savedAt: undefined, // the clock moves without changes
  };
}

/** Records a base checkpoint and every change taken after it, through JSON text as a journal would. */
class Journal {
  base: MemorySnapshot;
  ids: SnapshotIds;
  changes: MemoryChanges[] = [];
  constructor(private readonly runtime: MemoryRuntime) {
    const checkpoint = runtime.checkpoint();
    this.base = JSON.parse(JSON.stringify(checkpoint.snapshot)) as MemorySnapshot;
    this.ids = { queueIds: checkpoint.queueIds, timerIds: checkpoint.timerIds };
  }
  /** Take the changes; the replay must equal the runtime's snapshot at that moment. */
  take(): void {
    const changes = this.runtime.takeChanges();
    if (changes !== null) this.changes.push(JSON.parse(JSON.stringify(changes)) as MemoryChanges);
    expect(normal(this.replayed())).toEqual(normal(this.runtime.snapshot()));
    expect(JSON.stringify(this.runtime.snapshot({ copy: false }).stacks)).toBe(JSON.stringify(this.runtime.snapshot().stacks));
  }
  replayed(): MemorySnapshot {
    return parseMemorySnapshot(JSON.parse(JSON.stringify(applyMemoryChanges(this.base, this.changes, this.ids))), { source: "replay" });
  }
}

async function run(seed: number, takeEvery: number, checkpointAt: number | null): Promise<void> {
  const reality = new Reality();
  const runtime = createMemoryRuntime({ mode: "manual", order: "random", seed, duplicateRate: 0.2, trackChanges: true });
  const engine = createEngine({ runtime, types: [createScenarioType(reality)], engineId: "e1", logger: silentLogger, watchdogIntervalMs: 30_000 });
  let journal = new Journal(runtime);
  let steps = 0;
  const drive = async (): Promise<void> => {
    for (let round = 0; round < 10; round++) {
      while (await runtime.step()) {
        steps += 1;
        if (steps % takeEvery === 0) journal.take();
        if (steps === checkpointAt) journal = new Journal(runtime);
      }
      runtime.advanceTime(30_000);
    }
    journal.take();
  };
  await engine.createStack("s", T1);
  await engine.createStack("other", T1);
  await drive();
  reality.fail({ op: "create", name: "D", times: 1 });
  await engine.updateStack("s", T2);
  await drive();
  await engine.updateStack("s", T2);
  await drive();
  await engine.deleteStack("other");
  await drive();
  await engine.close();
}

describe("memory runtime changes", () => {
  it("folded into their snapshot give the runtime's snapshot, taken after every step", async () => {
    await run(1, 1, null);
  });

  it("and taken every few steps, across a checkpoint mid-run", async () => {
    for (const seed of [2, 3, 4]) await run(seed, 3, 17);
  });

  it("are null when nothing changed, and need trackChanges", async () => {
    const runtime = createMemoryRuntime({ mode: "manual", trackChanges: true });
    expect(runtime.takeChanges()).toBeNull();
    await runtime.schedule({ kind: "watchdog", stackId: "s", traversalId: "t" }, 10);
    expect(runtime.takeChanges()?.timers.add).toHaveLength(1);
    expect(runtime.takeChanges()).toBeNull();
    expect(() => createMemoryRuntime().takeChanges()).toThrow(InvalidOptionsError);
  });
});
