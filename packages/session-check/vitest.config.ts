import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "session-check", include: ["test/**/*.test.ts"] } });
