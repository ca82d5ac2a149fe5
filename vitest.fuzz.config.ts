import { defineConfig } from "vitest/config";
import { alias, exclude, testTimeout } from "./vitest.shared.js";

export default defineConfig({
  resolve: { alias },
  test: {
    include: ["**/*.fuzz.test.ts"],
    exclude,
    testTimeout,
  },
});
