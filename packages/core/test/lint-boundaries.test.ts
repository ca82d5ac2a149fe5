/**
 * The lint rule that keeps Node built-ins, Redis and BullMQ out of core's platform-neutral
 * modules (`eslint.config.js`, "converge/core-neutral-imports") fires where it must and only
 * there. Runs ESLint with the repository's own configuration.
 */
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const eslint = new ESLint({ cwd: root });

/**
 * A source file of `packages/core/src/<dir>` to lint fixture text as (typed linting only
 * parses files its tsconfig includes, so the path must exist; the text replaces the file's).
 */
function fileIn(dir: string): string {
  const name = readdirSync(`${root}packages/core/src/${dir}`).find((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
  if (name === undefined) throw new Error(`no source file in packages/core/src/${dir}`);
  return `packages/core/src/${dir}/${name}`;
}

/** The `no-restricted-imports` messages for `code` linted as if it were file `path`. */
async function restricted(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${path}` });
  const fatal = (result?.messages ?? []).filter((m) => m.fatal === true);
  if (fatal.length > 0) throw new Error(`${path}: ${fatal.map((m) => m.message).join("; ")}`);
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

const forbidden = [
  ['import { randomUUID } from "node:crypto";', "node:*"],
  ['import { Redis } from "ioredis";', "ioredis"],
  ['import { Queue } from "bullmq";', "bullmq"],
  ['import { createRedisRuntime } from "@converge/runtime-redis";', "@converge/runtime-redis"],
] as const;

describe("core's neutral modules import no Node built-ins, Redis or BullMQ", () => {
  for (const dir of ["protocol", "model", "template", "graph", "plugin", "runtime", "engine"]) {
    it(`rejects each forbidden import in core/src/${dir}`, async () => {
      for (const [code, what] of forbidden) {
        const messages = await restricted(fileIn(dir), `${code}\nexport const used = [${code.split(" ")[2]}];\n`);
        expect(messages, `${what} in ${dir}`).toHaveLength(1);
      }
    }, 60_000);
  }

  it("allows them in the platform seam and in the memory runtime, and neutral imports anywhere", async () => {
    expect(await restricted(fileIn("platform"), 'import { randomUUID } from "node:crypto";\nexport const id = randomUUID;\n')).toEqual([]);
    expect(await restricted(fileIn("memory"), 'import { randomUUID } from "node:crypto";\nexport const id = randomUUID;\n')).toEqual([]);
    expect(await restricted(fileIn("protocol"), 'import { z } from "zod";\nexport const s = z.string();\n')).toEqual([]);
  }, 60_000);
});
