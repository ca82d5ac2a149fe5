import { defineConfig } from "tsup";

// `dist` is emptied by the build script (the two builds run side by side, so neither cleans).
// Workspace packages stay dependencies: one copy of core at run time, shared with plugins and
// with the resource-type modules that `--types` loads.
const external = ["@converge/core", "@converge/plugins", "@converge/runtime-redis"];

export default defineConfig([
  {
    // The library entry (runCli and friends), ESM + CJS like the other packages.
    entry: { index: "src/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    // import.meta.url (the package version lookup) in the CJS build.
    shims: true,
    clean: false,
    target: "node20",
    tsconfig: "tsconfig.build.json",
    external,
  },
  {
    // The `converge` bin: ESM, keeps the source's `#!/usr/bin/env node` line.
    entry: { bin: "src/bin.ts" },
    format: ["esm"],
    sourcemap: true,
    clean: false,
    target: "node20",
    tsconfig: "tsconfig.build.json",
    external,
  },
]);
