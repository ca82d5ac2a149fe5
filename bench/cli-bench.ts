/**
 * Benchmark of the CLI at scale: a 20,000-resource YAML template parsed as the CLI reads it,
 * and a 20,000-resource apply of a no-op type (`OS::Heat::None`) on the memory runtime,
 * through the engine API and through `converge apply` (in-process `runCli`, the state in a
 * journaled file, output to a non-TTY sink), so the two can be compared.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createEngine, createMemoryRuntime, parseTemplate } from "../packages/core/src/index.js";
import type { Template } from "../packages/core/src/index.js";
import { allTypes } from "../packages/plugins/src/index.js";
import { runCli } from "../packages/cli/src/index.js";
import type { CliIo } from "../packages/cli/src/index.js";
import { parseTemplateText } from "../packages/cli/src/template-text.js";

/** One measurement. */
export interface CliBenchResult {
  /** What was measured. */
  readonly name: string;
  /** Wall time, ms. */
  readonly ms: number;
  /** More about it. */
  readonly detail: string;
}

/** A YAML template of `size` no-op resources. */
function yamlTemplate(size: number): string {
  const lines = ["heat_template_version: 2021-04-16", "resources:"];
  for (let i = 0; i < size; i++) lines.push(`  r${i}:`, "    type: OS::Heat::None", "    properties:", `      value: item-${i}`);
  return `${lines.join("\n")}\n`;
}

const sink = { write: () => true, isTTY: false } as unknown as CliIo["stdout"];

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/** Create the stack through the engine API on a fresh memory runtime; the time it took, ms. */
async function applyThroughEngine(template: Template): Promise<number> {
  const runtime = createMemoryRuntime();
  const engine = createEngine({ runtime, types: allTypes });
  const ms = await time(async () => {
    await engine.createStack("big", template);
    await engine.waitForStack("big");
  });
  await engine.close();
  await runtime.close();
  return ms;
}

async function time(run: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

/** Run the CLI benchmark at `size` resources. */
export async function benchCli(size = 20_000): Promise<CliBenchResult[]> {
  const text = yamlTemplate(size);
  const results: CliBenchResult[] = [];
  const mib = (Buffer.byteLength(text) / 2 ** 20).toFixed(1);
  results.push({ name: `yaml ${size}: core parseTemplate`, ms: await time(() => parseTemplate(text, "yaml")), detail: `${mib} MiB of YAML` });
  results.push({ name: `yaml ${size}: cli parse`, ms: await time(() => parseTemplateText(text, "auto")), detail: `${mib} MiB of YAML (fast path)` });

  const apiMs = await applyThroughEngine(parseTemplateText(text));
  results.push({ name: `apply ${size}: engine API`, ms: apiMs, detail: "memory runtime, no-op type, template parsed beforehand" });
  gc(); // the engine run's stack is garbage now: the CLI run does not pay for it

  const dir = mkdtempSync(join(tmpdir(), "converge-cli-bench-"));
  try {
    writeFileSync(join(dir, "big.yaml"), text);
    const io: CliIo = { stdout: sink, stderr: sink, env: { NO_COLOR: "1" }, cwd: dir, onInterrupt: () => () => undefined };
    let code = -1;
    const cliMs = await time(async () => {
      code = await runCli(["apply", "big.yaml", "--stack", "big"], io);
    });
    if (code !== 0) throw new Error(`converge apply exited ${code}`);
    const state = statSync(join(dir, ".converge/state.json")).size / 2 ** 20;
    results.push({ name: `apply ${size}: cli`, ms: cliMs, detail: `${(cliMs / apiMs).toFixed(2)}x the engine API (file read and parsed, state journaled); state file ${state.toFixed(1)} MiB` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
