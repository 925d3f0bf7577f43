import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "authz-core", include: ["test/**/*.test.ts"] } });
