import { defineConfig } from "vitest/config";

// One run over every package, so `npm test` ends with one summary.
export default defineConfig({
  test: {
    projects: ["packages/*", "stack", "bench", "security", "test"],
    passWithNoTests: true,
    testTimeout: 20_000,
    hookTimeout: 120_000,
  },
});
