/** Exporter command lines and the NetworkPolicy specs of the monitoring namespace (the pinned node_exporter reads its arguments in test/binaries/). */
import * as assert from "node:assert";
import { KUBE_STATE_METRICS_RESOURCES, kubeStateMetricsArgs } from "../../builders/regional/exporters";
import {
  type ClusterNetwork,
  allowDnsSpec,
  defaultDenySpec,
  workloadPolicySpec,
} from "../../builders/k8s/network-policies";
import { type EgressNeed, type PortAccess, regionalTraffic } from "../../builders/regional/network-policies";

describe("regional exporters", () => {
  it("kube-state-metrics reports exactly the resources its ClusterRole lets it list, never Secrets or ConfigMaps", () => {
    const listed: string[] = kubeStateMetricsArgs()
      .find((a) => a.startsWith("--resources="))!
      .slice("--resources=".length)
      .split(",");
    assert.ok(!listed.includes("secrets") && !listed.includes("configmaps"));
    assert.deepStrictEqual(listed, Object.values(KUBE_STATE_METRICS_RESOURCES).flat().sort());
  });
});

describe("monitoring NetworkPolicies", () => {
  const aws: ClusterNetwork = {
    cloud: "aws",
    vpcCidr: "10.10.0.0/16",
    zones: ["us-east-1a", "us-east-1b", "us-east-1c"],
  };
  const gcp: ClusterNetwork = {
    ...aws,
    cloud: "gcp",
    vpcCidr: "10.20.0.0/16",
    zones: ["europe-west1-b", "europe-west1-c", "europe-west1-d"],
  };
  const regionalSpec = (
    selector: Record<string, string>,
    ports: PortAccess[],
    egress: EgressNeed,
    network: ClusterNetwork,
  ) => workloadPolicySpec(regionalTraffic(selector, ports, egress, { app: "prometheus" }), network);
  const ipBlocks = (rules: any[]) =>
    rules.flatMap((r) => (r.to ?? []).filter((p: any) => p.ipBlock).map((p: any) => p.ipBlock));

  it("deny all ingress and egress by default, and let DNS reach the cluster DNS only", () => {
    assert.deepStrictEqual(defaultDenySpec(), { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    assert.deepStrictEqual(allowDnsSpec().egress, [
      {
        to: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
          },
        ],
        ports: [
          { protocol: "UDP", port: 53 },
          { protocol: "TCP", port: 53 },
        ],
      },
    ]);
  });

  it("admit load-balanced ports from outside the cluster (and AWS NLBs' own subnets) only, and metrics from Prometheus", () => {
    const ports = [
      { port: 10901, from: "load-balancer" as const },
      { port: 10902, from: "prometheus" as const },
    ];
    assert.deepStrictEqual(regionalSpec({ app: "x" }, ports, "object-store", aws).ingress, [
      {
        from: [
          { ipBlock: { cidr: "0.0.0.0/0", except: ["10.10.0.0/16", "169.254.169.254/32"] } },
          { ipBlock: { cidr: "10.10.192.0/24" } },
          { ipBlock: { cidr: "10.10.193.0/24" } },
          { ipBlock: { cidr: "10.10.194.0/24" } },
        ],
        ports: [{ protocol: "TCP", port: 10901 }],
      },
      { from: [{ podSelector: { matchLabels: { app: "prometheus" } } }], ports: [{ protocol: "TCP", port: 10902 }] },
    ]);
    assert.deepStrictEqual(regionalSpec({ app: "x" }, ports, "object-store", gcp).ingress[0].from, [
      { ipBlock: { cidr: "0.0.0.0/0", except: ["10.20.0.0/20", "10.20.128.0/17", "169.254.169.254/32"] } },
    ]);
  });

  it("never let a workload reach instance metadata, except the GKE metadata server a Workload Identity needs", () => {
    for (const need of ["scrape", "object-store", "kubernetes-api"] as const) {
      for (const block of ipBlocks(regionalSpec({ app: "x" }, [], need, aws).egress)) {
        assert.ok(
          block.except?.includes("169.254.169.254/32") || block.except?.includes("fd00:ec2::254/128"),
          `${need} on AWS: ${JSON.stringify(block)}`,
        );
      }
    }
    const objectStore = regionalSpec({ app: "x" }, [], "object-store", gcp).egress;
    assert.deepStrictEqual(objectStore[1], {
      to: [{ ipBlock: { cidr: "169.254.169.254/32" } }],
      ports: [
        { protocol: "TCP", port: 80 },
        { protocol: "TCP", port: 988 },
      ],
    });
    assert.deepStrictEqual(
      (objectStore[0] as { ports?: unknown }).ports,
      [{ protocol: "TCP", port: 443 }],
      "object storage over HTTPS only",
    );
    assert.ok(
      !ipBlocks(regionalSpec({ app: "x" }, [], "kubernetes-api", gcp).egress).some(
        (b: any) => b.cidr === "169.254.169.254/32",
      ),
    );
  });
});
