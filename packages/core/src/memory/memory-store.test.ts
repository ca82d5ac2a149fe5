import { describe, expect, it } from "vitest";
import type { StackRecord } from "../model/types.js";
import { EMPTY_TEMPLATE } from "../template/types.js";
import { MemoryStore } from "./memory-store.js";

const stack: StackRecord = {
  id: "s1",
  name: "s",
  currentTraversal: "t1",
  templateId: "tpl",
  prevTemplateId: null,
  action: "CREATE",
  status: "IN_PROGRESS",
  statusReason: "",
  options: { disableRollback: false, timeoutMs: null, parameters: {} },
  deadline: null,
  createdAt: 0,
  updatedAt: 0,
};

describe("MemoryStore copies", () => {
  it("keep a `__proto__` key of stored data as an own property, as a serializing store would", async () => {
    const store = new MemoryStore();
    await store.createStack(stack, EMPTY_TEMPLATE);
    const properties = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    await store.installGraph({
      stackId: "s1",
      graph: { traversalId: "t1", templateId: "tpl", nodes: {}, roots: [], leaves: [] },
      newRows: [
        {
          id: "1",
          name: "r",
          type: "x",
          templateId: "tpl",
          physicalId: null,
          properties,
          attributes: {},
          action: "INIT",
          status: "COMPLETE",
          statusReason: "",
          requires: [],
          replaces: null,
          replacedBy: null,
          createdTraversal: "t1",
          deletionPolicy: "delete",
          updatedAt: 0,
        },
      ],
    });
    const row = await store.loadRow("s1", "1");
    expect(Object.keys(row?.properties ?? {})).toEqual(["__proto__", "a"]);
    expect(Object.getPrototypeOf(row?.properties)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("MemoryStore graphs and templates", () => {
  it("are kept frozen, so what the caller handed in can no longer change the stored value", async () => {
    const store = new MemoryStore();
    const list = [1];
    const template = { ...EMPTY_TEMPLATE, resources: { r: { type: "x", properties: { a: list } } } } as unknown as typeof EMPTY_TEMPLATE;
    await store.createStack(stack, template);
    const graph = { traversalId: "t1", templateId: "tpl", nodes: { "U:1": { requires: [], requiredBy: [] } }, roots: ["U:1"], leaves: ["U:1"] };
    await store.installGraph({ stackId: "s1", graph: graph as never, newRows: [] });
    const stored = await store.loadGraph("s1", "t1");
    expect(() => (graph.roots as string[]).push("U:2")).toThrow(TypeError);
    expect(() => list.push(2)).toThrow(TypeError);
    expect(stored?.roots).toEqual(["U:1"]);
    expect(Object.isFrozen((await store.loadTemplate("s1", "tpl"))?.resources)).toBe(true);
  });
});
