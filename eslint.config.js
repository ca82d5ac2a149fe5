// @ts-check
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";
import { importX, createNodeResolver } from "eslint-plugin-import-x";

const tsFiles = ["**/*.ts", "**/*.mts", "**/*.cts"];
const jsFiles = ["**/*.js", "**/*.mjs", "**/*.cjs"];

export default defineConfig(
  globalIgnores(["**/dist/**", "**/node_modules/**", "coverage/**", "**/coverage/**", "**/*.lua"]),

  // typescript-eslint `recommended` (syntactic, no type info needed) for every file.
  tseslint.configs.recommended,

  {
    name: "converge/typescript",
    files: tsFiles,
    languageOptions: {
      parserOptions: {
        // Each file is type-checked with the nearest tsconfig.json (the root one today).
        projectService: {
          // Config files that no tsconfig `include`s. Globs are relative to
          // tsconfigRootDir and may not contain `**`. Do NOT list files that a
          // tsconfig includes (typescript-eslint throws for those).
          allowDefaultProject: ["packages/*/tsup.config.ts"],
          defaultProject: "tsconfig.base.json",
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { "import-x": importX },
    settings: {
      // import-x ignores modules whose extension is not listed here or in import-x/parsers,
      // so without .ts no-cycle would never see the TypeScript sources.
      "import-x/extensions": [".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts", ".mts", ".cts"] },
      "import-x/resolver-next": [
        // Built-in unrs-resolver based resolver (no eslint-import-resolver-typescript needed):
        // - extensionAlias maps NodeNext-style "./foo.js" specifiers to ./foo.ts
        //   (without it the .js specifiers do not resolve and no-cycle silently finds nothing)
        // - tsconfig makes "@converge/core" etc. resolve through `paths` to src/, not dist/
        createNodeResolver({
          extensions: [".ts", ".mts", ".cts", ".js", ".mjs", ".cjs", ".json", ".node"],
          extensionAlias: {
            ".js": [".ts", ".js"],
            ".mjs": [".mts", ".mjs"],
            ".cjs": [".cts", ".cjs"],
          },
          conditionNames: ["types", "import", "require", "node", "default"],
          tsconfig: { configFile: `${import.meta.dirname}/tsconfig.json` },
        }),
      ],
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "import-x/no-cycle": "error",
    },
  },

  {
    // Core's platform-neutral modules: no Node built-ins (the Node-only functions they use
    // are behind packages/core/src/platform/node.ts), no Redis, no BullMQ, no Redis runtime.
    // packages/core/test/lint-boundaries.test.ts proves the rule fires.
    name: "converge/core-neutral-imports",
    files: ["packages/core/src/{protocol,model,template,graph,plugin,runtime,engine}/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { regex: "^node:", message: "core's protocol, model, template, graph, plugin, runtime and engine stay platform-neutral: use packages/core/src/platform/ (a seam) instead of node:*." },
            { regex: "^(ioredis|bullmq)(/.*)?$", message: "core never imports Redis or BullMQ: a runtime implements runtime/contract.ts." },
            { regex: "^@converge/runtime-redis(/.*)?$", message: "core never imports the Redis runtime: it depends on core, not the reverse." },
            { regex: "runtime-redis/", message: "core never imports the Redis runtime: it depends on core, not the reverse." },
          ],
        },
      ],
    },
  },

  {
    // Small functions in library code: a factory or operation that grows past 80 lines is
    // split by responsibility (tests and benches are exempt).
    name: "converge/small-functions",
    files: ["packages/*/src/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "max-lines-per-function": ["error", { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },

  {
    name: "converge/javascript",
    files: jsFiles,
    // Plain JS config files (eslint.config.js): no type information.
    extends: [tseslint.configs.disableTypeChecked],
  },
);
