import { fileURLToPath } from "node:url";
import { configDefaults } from "vitest/config";

const src = (path: string): string => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));

/**
 * Workspace packages resolve to their TypeScript sources, so tests never need a build.
 * The finds are anchored regexes: a plain "@converge/core" string would also match the
 * "@converge/core/testing" prefix and rewrite it to ".../index.ts/testing".
 * Packages that do not exist yet are harmless: the alias is only used when imported.
 */
export const alias: { find: RegExp; replacement: string }[] = [
  { find: /^@converge\/core\/testing$/, replacement: src("core/src/testing/index.ts") },
  { find: /^@converge\/core\/internal$/, replacement: src("core/src/internal.ts") },
  { find: /^@converge\/core$/, replacement: src("core/src/index.ts") },
  { find: /^@converge\/runtime-redis\/testing$/, replacement: src("runtime-redis/src/testing/index.ts") },
  { find: /^@converge\/runtime-redis$/, replacement: src("runtime-redis/src/index.ts") },
  { find: /^@converge\/plugins$/, replacement: src("plugins/src/index.ts") },
  { find: /^@converge\/cli$/, replacement: src("cli/src/index.ts") },
];

export const testTimeout = 30_000;

// configDefaults.exclude is ["**/node_modules/**", "**/.git/**"].
export const exclude: string[] = [...configDefaults.exclude, "**/dist/**", "**/coverage/**"];
