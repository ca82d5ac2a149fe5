/**
 * Benchmark of composition: compiling (expanding + linking) a ResourceGroup of 1,000 and
 * 10,000 members (plain members, and members that are a two-resource template file), and the
 * protocol on a 10,000-member group on the memory runtime: create, scale to 12,000, no-op
 * update. Compiling must stay linear: the per-member time of 10k is about that of 1k.
 *
 * ```
 *   user ── get_attr [group, id] ──► group ──► group/0 … group/N-1
 * ```
 */
import { performance } from "node:perf_hooks";
import { z } from "zod";
import { createEngine, createMemoryRuntime, createTypeRegistry, compileTemplate, defineResourceType, type Template } from "../packages/core/src/index.js";

/** One measurement. */
export interface CompositionBenchResult {
  /** What was measured. */
  readonly name: string;
  /** Wall time, ms. */
  readonly ms: number;
  /** A detail line (per-member time, checks). */
  readonly detail: string;
}

const TYPE = "bench:noop:Member";
let counter = 0;
const Noop = defineResourceType({
  type: TYPE,
  properties: z.object({ name: z.string().optional(), after: z.string().optional() }),
  attributes: ["id"],
  async create() {
    const id = `m${++counter}`;
    return { physicalId: id, attributes: { id } };
  },
  async update() {
    return {};
  },
  async delete() {},
});

const MEMBER_FILE = `
parameters: { index: { type: string } }
resources:
  a: { type: ${TYPE}, properties: { name: { get_param: index } } }
  b: { type: ${TYPE}, properties: { after: { get_attr: [a, id] } } }
outputs: { id: { value: { get_attr: [b, id] } } }
`;

function group(count: number, memberType: string): Template {
  return {
    resources: {
      group: { type: "OS::Heat::ResourceGroup", properties: { count, resource_def: { type: memberType, properties: memberType === TYPE ? { name: "m-%index%" } : { index: "%index%" } } } },
      user: { type: TYPE, properties: { name: { list_join: [",", { get_attr: ["group", "id"] }] } } },
    },
  } as Template;
}

function compileMs(count: number, memberType: string): number {
  const types = createTypeRegistry([Noop]);
  const files = { "member.yaml": MEMBER_FILE };
  compileTemplate(group(Math.min(count, 100), memberType), { types, files }); // warm-up
  const start = performance.now();
  compileTemplate(group(count, memberType), { types, files });
  return performance.now() - start;
}

/** Run the composition benchmark. */
export async function benchComposition(): Promise<CompositionBenchResult[]> {
  const results: CompositionBenchResult[] = [];
  for (const [label, memberType] of [["plain", TYPE], ["file", "member.yaml"]] as const) {
    const small = compileMs(1_000, memberType);
    const large = compileMs(10_000, memberType);
    results.push({ name: `group compile ${label} 1000`, ms: small, detail: `${((small * 1000) / 1_000).toFixed(1)} µs/member` });
    results.push({ name: `group compile ${label} 10000`, ms: large, detail: `${((large * 1000) / 10_000).toFixed(1)} µs/member, ${(large / small).toFixed(1)}x the 1k time (linear: ~10x)` });
  }
  const runtime = createMemoryRuntime({ mode: "auto" });
  const engine = createEngine({ runtime, types: [Noop], concurrency: 64, logger: { debug() {}, info() {}, warn() {}, error() {} } });
  const phase = async (label: string, act: () => Promise<unknown>, expected: string): Promise<void> => {
    const before = runtime.stats().delivered;
    const start = performance.now();
    await act();
    const done = await engine.waitForStack("g");
    const ms = performance.now() - start;
    if (done.state !== expected) throw new Error(`group ${label}: expected ${expected}, got ${done.state} (${done.statusReason})`);
    const checks = runtime.stats().delivered - before;
    results.push({ name: `group 10000: ${label}`, ms, detail: `${checks} checks, ${Math.round(checks / (ms / 1000))} checks/s` });
  };
  await phase("create", () => engine.createStack("g", group(10_000, TYPE)), "CREATE_COMPLETE");
  await phase("scale to 12000", () => engine.updateStack("g", group(12_000, TYPE)), "UPDATE_COMPLETE");
  await phase("no-op update", () => engine.updateStack("g", group(12_000, TYPE)), "UPDATE_COMPLETE");
  await engine.close();
  await runtime.close();
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await benchComposition()) console.log(`${r.name.padEnd(32)} ${r.ms.toFixed(0).padStart(7)} ms  ${r.detail}`);
}
