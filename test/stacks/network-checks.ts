/**
 * What "exact NetworkPolicies" means in either tier, checked on a stack's own objects: the namespace denies
 * everything both ways, DNS goes to kube-dns only, every workload has its own policy for both directions,
 * and no egress rule reaches instance metadata except the GKE metadata server a workload identity needs.
 */
import * as assert from "node:assert";
import type { Cloud } from "../../config/clouds";
import { MONITORING_NAMESPACE } from "../../contracts/regional-outputs";
import type { Resource } from "./graph";

export const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const METADATA = ["169.254.169.254/32", "fd00:ec2::254/128"];

/** Whether the cloud's workload identity is served at the instance metadata address (IRSA trades tokens at STS instead). */
const IDENTITY_ON_METADATA: Record<Cloud, boolean> = { aws: false, gcp: true, kubernetes: false };

/** Checks the monitoring namespace's policies and workloads (cluster add-ons in kube-system are the cloud's). */
export function assertExactNetworkPolicies(
  allPolicies: readonly Resource[],
  allWorkloads: readonly Resource[],
  cloud: Cloud,
): void {
  const inNamespace = (r: Resource) => r.args.metadata?.namespace === MONITORING_NAMESPACE;
  const [policies, workloads] = [allPolicies.filter(inNamespace), allWorkloads.filter(inNamespace)];
  assert.ok(workloads.length > 0 && policies.length > 0);
  const specs = policies.map((p) => ({ name: p.args.metadata.name as string, spec: p.args.spec }));
  const everyPod = specs.filter((p) => Object.keys(p.spec.podSelector ?? {}).length === 0);
  assert.ok(
    everyPod.some(
      (p) =>
        !p.spec.ingress &&
        !p.spec.egress &&
        p.spec.policyTypes.includes("Ingress") &&
        p.spec.policyTypes.includes("Egress"),
    ),
    "a default deny for both directions",
  );
  const dns = everyPod.flatMap((p) => p.spec.egress ?? []);
  assert.ok(dns.length > 0, "DNS is allowed");
  for (const rule of dns) {
    assert.deepStrictEqual(rule.to, [
      {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
        podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
      },
    ]);
    assert.deepStrictEqual(
      rule.ports.map((p: any) => p.port),
      [53, 53],
    );
  }
  for (const w of workloads) {
    const labels = w.args.spec.template.metadata.labels;
    const own = specs.filter(
      (p) =>
        Object.keys(p.spec.podSelector?.matchLabels ?? {}).length > 0 &&
        Object.entries(p.spec.podSelector.matchLabels).every(([k, v]) => labels[k] === v),
    );
    assert.ok(own.length >= 1, `${w.name}: no NetworkPolicy of its own`);
    assert.ok(
      own.every((p) => p.spec.policyTypes.includes("Ingress") && p.spec.policyTypes.includes("Egress")),
      `${w.name}: both directions`,
    );
  }
  for (const { name, spec } of specs) {
    for (const rule of spec.egress ?? []) {
      assert.ok(rule.to?.length > 0, `${name}: an egress rule without destinations admits everything`);
      for (const block of rule.to.filter((p: any) => p.ipBlock).map((p: any) => p.ipBlock)) {
        if (METADATA.includes(block.cidr)) {
          assert.ok(IDENTITY_ON_METADATA[cloud], `${name}: only GKE's metadata server serves a workload identity`);
          assert.deepStrictEqual(
            rule.ports.map((p: any) => p.port),
            [80, 988],
            name,
          );
        } else {
          const wide = block.cidr === "0.0.0.0/0" || block.cidr === "::/0";
          assert.ok(
            !wide || METADATA.some((m) => block.except?.includes(m)),
            `${name}: ${block.cidr} without excepting instance metadata`,
          );
        }
      }
    }
    for (const rule of spec.ingress ?? [])
      assert.ok(rule.from?.length > 0, `${name}: an ingress rule without sources admits everyone`);
  }
}
