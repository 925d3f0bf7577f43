import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "validate-api", include: ["test/**/*.test.ts"] } });
