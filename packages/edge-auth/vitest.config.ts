import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "edge-auth", include: ["test/**/*.test.ts"] } });
