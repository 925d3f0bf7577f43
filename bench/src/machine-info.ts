import { arch, cpus, loadavg, platform, totalmem } from "node:os";
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
    // How busy the machine was (1, 5 and 15 minute load averages) when the run began: context for the noise.
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
