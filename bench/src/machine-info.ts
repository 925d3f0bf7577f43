import { arch, cpus, platform, totalmem } from "node:os";
import type { MachineInfo } from "./bench-results.js";

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    node: process.version,
    cpu: list[0]?.model.trim() ?? "unknown",
    cores: list.length,
    platform: platform(),
    arch: arch(),
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  };
}
