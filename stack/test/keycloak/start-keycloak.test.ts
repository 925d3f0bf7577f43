// startKeycloak's pieces that need no running Keycloak. The running one is tested in ../keycloak.test.ts.
import { describe, expect, it } from "vitest";
import dist from "../../src/keycloak/keycloak-dist.json" with { type: "json" };
import {
  type ClusterState,
  clusterStateAfter,
  keycloakStartArgs,
} from "../../src/keycloak/start-keycloak.js";

describe("Keycloak's start and build options", () => {
  const start = keycloakStartArgs({
    port: 8080,
    managementPort: 9000,
    url: "http://localhost:8080",
    dbArgs: [],
  });

  it("starts Keycloak with a local cache (no cluster), optimized, on 127.0.0.1", () => {
    expect(start.slice(0, 2)).toEqual(["start", "--optimized"]);
    expect(start).toContain("--cache=local");
    expect(start).toContain("--http-host=127.0.0.1");
  });

  it("starts a cluster node with the production cache and JDBC_PING, its transport bound to 127.0.0.1 on the given port", () => {
    const node = keycloakStartArgs({
      port: 8081,
      managementPort: 9001,
      url: "http://localhost:8080",
      dbArgs: [],
      cluster: { bindPort: 41000, failureDetectionPort: 42000 },
    });

    expect(node).not.toContain("--cache=local");
    expect(node).toEqual(
      expect.arrayContaining([
        "--cache=ispn",
        "--cache-stack=jdbc-ping",
        "--cache-embedded-network-bind-address=127.0.0.1",
        "--cache-embedded-network-bind-port=41000",
        "--http-host=127.0.0.1",
        "--hostname=http://localhost:8080",
      ]),
    );
  });

  it("gives kc.sh build no run-time option such as --cache, which it would ignore", () => {
    for (const options of Object.values(dist.buildOptions)) {
      expect(options.some((o) => o.startsWith("--cache"))).toBe(false);
    }
  });
});

describe("a node's cluster state from Keycloak's log", () => {
  const empty: ClusterState = { address: undefined, physicalAddresses: [], members: [] };
  const prefix = "2026-12-04 05:04:27,671 INFO  [org.infinispan.CLUSTER] (jgroups-5,vm-31430(v=16.0.14))";

  it("takes the node's address and transport address from the channel start and the members from the latest view, without versions", () => {
    const lines = [
      `${prefix} ISPN000079: Channel \`ISPN\` local address is \`vm-31430\`, physical addresses are \`[127.0.0.1:35253]\``,
      `${prefix} ISPN000094: Received new cluster view for channel ISPN: [vm-31430(v=16.0.14)|0] (1) [vm-31430(v=16.0.14)]`,
      `${prefix} ISPN000094: Received new cluster view for channel ISPN: [vm-31430(v=16.0.14)|1] (2) [vm-31430(v=16.0.14), vm-49748(v=16.0.14)]`,
    ];

    const state = lines.reduce(clusterStateAfter, empty);

    expect(state).toEqual({
      address: "vm-31430",
      physicalAddresses: ["127.0.0.1:35253"],
      members: ["vm-31430", "vm-49748"],
    });
  });

  it("keeps the state on other lines, rebalances that list members included", () => {
    const line = `${prefix} [Context=sessions] ISPN100010: Finished rebalance with members [vm-31430, vm-49748], topology id 5`;

    expect(clusterStateAfter(empty, line)).toBe(empty);
  });
});
