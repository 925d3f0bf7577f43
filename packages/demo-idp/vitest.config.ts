import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "demo-idp", include: ["test/**/*.test.ts"] } });
