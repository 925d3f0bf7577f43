import { defineProject } from "vitest/config";

// A project config does not inherit the root's timeouts: the build and Terraform checks run real
// builds and `terraform` beside every other suite on two cores, so 5 s is too short for them.
export default defineProject({ test: { name: "repo", include: ["**/*.test.ts"], testTimeout: 60_000 } });
