/**
 * The operation views, driven by hand with an injected clock: the plain view's heartbeat and
 * elapsed times, the terminal frame's groups, elapsed column and waiting rows, the NDJSON view.
 */
import type { StackEvent, StackRecord } from "@converge/core";
import { describe, expect, it } from "vitest";
import type { Progress, ResourceLine } from "../src/render/progress.js";
import { palette } from "../src/render/format.js";
import { heartbeatDuration, jsonView, plainView } from "../src/render/live-view.js";
import { renderFrame } from "../src/render/frame.js";
import { ResourceTimer, actionVerb } from "../src/render/resource-timer.js";

const inProgress = { action: "CREATE", status: "IN_PROGRESS" } as StackRecord;
const settled = { action: "CREATE", status: "COMPLETE" } as StackRecord;
const progress = (stack: StackRecord | null = inProgress): Progress => ({ stack, lines: [], done: 0, total: 2 });

let seq = 0;
function event(resourceName: string, action: string, status: "IN_PROGRESS" | "COMPLETE" | "FAILED", time: number): StackEvent {
  seq += 1;
  return { seq: String(seq), time, kind: "resource", stackName: "site", traversalId: "t", resourceName, rowId: resourceName, action, status, reason: "state changed" } as StackEvent;
}

function sink(): { write(text: string): void; text(): string; lines(): string[] } {
  let out = "";
  return {
    write: (text) => void (out += text),
    text: () => out,
    lines: () => out.split("\n").filter((l) => l !== ""),
  };
}

describe("plain view", () => {
  it("prints a heartbeat every 10 s per resource still at work, from an injected clock", () => {
    let now = 1_000_000;
    const out = sink();
    const view = plainView({ out, palette: palette(false), title: "apply site", now: () => now });
    view.events([event("web", "CREATE", "IN_PROGRESS", now), event("db", "UPDATE", "IN_PROGRESS", now + 4000)], progress());
    const afterStart = out.lines().length;
    now += 9_999;
    view.update(progress());
    expect(out.lines()).toHaveLength(afterStart);
    now += 1;
    view.update(progress());
    expect(out.lines().slice(afterStart)).toEqual(["web: still creating (10s elapsed)"]);
    now += 4_000;
    view.update(progress());
    expect(out.lines().slice(afterStart + 1)).toEqual(["db: still updating (10s elapsed)"]);
    // A late refresh catches up with one line per resource, not one per missed interval.
    now += 60_000;
    view.update(progress());
    expect(out.lines().slice(afterStart + 2)).toEqual(["web: still creating (1m14s elapsed)", "db: still updating (1m10s elapsed)"]);
    view.update(progress());
    expect(out.lines()).toHaveLength(afterStart + 4);
  });

  it("ends a resource's heartbeat with its completion line, which says how long it took", () => {
    let now = 5_000;
    const out = sink();
    const view = plainView({ out, palette: palette(false), title: "apply site", now: () => now });
    view.events([event("web", "CREATE", "IN_PROGRESS", now)], progress());
    now += 12_345;
    view.events([event("web", "CREATE", "COMPLETE", now)], progress());
    expect(out.lines().at(-1)).toMatch(/web\s+CREATE_COMPLETE\s+state changed {2}12\.3s$/);
    now += 30_000;
    view.update(progress());
    expect(out.text()).not.toContain("still");
  });

  it("stops the heartbeat when the stack settled", () => {
    let now = 0;
    const out = sink();
    const view = plainView({ out, palette: palette(false), title: "t", now: () => now, heartbeatMs: 1000 });
    view.events([event("web", "DELETE", "IN_PROGRESS", 0)], progress());
    now = 1000;
    view.update(progress());
    expect(out.lines().at(-1)).toBe("web: still deleting (1s elapsed)");
    now = 5000;
    view.update(progress(settled));
    view.update(progress());
    expect(out.lines().at(-1)).toBe("web: still deleting (1s elapsed)");
  });

  it("formats heartbeat durations and verbs", () => {
    expect(heartbeatDuration(70_000)).toBe("1m10s");
    expect(heartbeatDuration(9_999)).toBe("9s");
    expect(["CREATE", "UPDATE", "DELETE", "CHECK", "INIT"].map(actionVerb)).toEqual(["creating", "updating", "deleting", "checking", "waiting"]);
  });
});

describe("NDJSON view", () => {
  it("writes one event object per line; notices go to the other stream", () => {
    const out = sink();
    const err = sink();
    const view = jsonView(out, err);
    const e = event("web", "CREATE", "COMPLETE", 1);
    view.events([e], progress());
    view.update(progress());
    view.notice("warning: x");
    expect(out.lines().map((l) => JSON.parse(l) as unknown)).toEqual([{ type: "event", ...e }]);
    expect(err.text()).toBe("warning: x\n");
  });
});

describe("terminal frame", () => {
  const line = (name: string, state: string, done: boolean, extra: Partial<ResourceLine> = {}): ResourceLine => ({ name, type: "T", state, physicalId: `${name}-1`, reason: "", done, others: 0, inTarget: true, ...extra });

  it("groups rows (failed, in progress, waiting, done), shows elapsed times and never INIT_COMPLETE", () => {
    const lines = [
      line("db", "CREATE_COMPLETE", true),
      line("cache", "INIT_COMPLETE", false, { physicalId: null }),
      line("app", "CREATE_IN_PROGRESS", false),
      line("old", "CREATE_COMPLETE", false, { inTarget: false }),
      line("web", "CREATE_FAILED", false, { reason: "boom" }),
      line("api", "UPDATE_COMPLETE", false),
    ];
    const timer = new ResourceTimer();
    timer.observe([event("db", "CREATE", "IN_PROGRESS", 0), event("db", "CREATE", "COMPLETE", 400), event("app", "CREATE", "IN_PROGRESS", 1000)]);
    const frame = renderFrame({ stack: inProgress, lines, done: 1, total: 6 }, { palette: palette(false), title: "apply site", elapsedMs: 3000, tick: 0, columns: 100, maxLines: 20, elapsedOf: (n) => timer.runningFor(n, 3000) ?? timer.tookFor(n) });
    expect(frame[1]).toMatch(/ 1\/6 {2}1 failed · 1 in progress · 3 waiting · 1 done$/);
    const rows = frame.slice(2);
    expect(rows.map((r) => r.trim().split(/\s+/)[1])).toEqual(["web", "app", "cache", "old", "api", "db"]);
    expect(rows[1]).toMatch(/app\s+T\s+CREATE_IN_PROGRESS\s+2\.0s\s+app-1$/);
    expect(rows[2]).toMatch(/· cache\s+T\s+waiting$/);
    expect(rows[3]).toMatch(/· old\s+T\s+waiting\s+to be deleted$/);
    expect(rows[4]).toMatch(/· api\s+T\s+waiting\s+api-1$/);
    expect(rows[5]).toMatch(/✔ db\s+T\s+CREATE_COMPLETE\s+400ms\s+db-1$/);
    expect(frame.join("\n")).not.toContain("INIT_COMPLETE");
  });
});
