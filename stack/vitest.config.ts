import { defineProject } from "vitest/config";

// Browser tests drive a real login (and wait for a real token expiry): longer limits than unit tests.
export default defineProject({
  test: { name: "stack", include: ["test/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 300_000 },
});
