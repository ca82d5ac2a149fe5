import { defineConfig } from "vitest/config";
import { alias, exclude, testTimeout } from "./vitest.shared.js";

export default defineConfig({
  resolve: { alias },
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts", "test/**/*.test.ts", "examples/*/src/**/*.test.ts"],
    // Fuzz tests are slow and run separately: `npm run fuzz` (vitest.fuzz.config.ts).
    exclude: [...exclude, "**/*.fuzz.test.ts"],
    testTimeout,
  },
});
