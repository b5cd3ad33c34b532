import { failing } from "../../lib/known";
import { commandLine, flagValue, imageName, podTemplate, WORKLOAD_TYPES } from "../../lib/k8s";
import { propertyPolicy } from "../../lib/policy";
import { K8S } from "../../lib/types";

const RBAC_ROLES = [
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
  "kubernetes:rbac.authorization.k8s.io/v1:Role",
];

/**
 * `nodes/proxy` lets a token reach every kubelet API through the API server, `exec` and `run` in any
 * container of the node included; reading metrics needs `nodes/metrics` only. A wildcard over node
 * subresources grants it too.
 */
export const noNodeProxy = propertyPolicy({
  name: "k8s-no-node-proxy",
  description:
    "No Role or ClusterRole grants nodes/proxy (directly or by a wildcard): metrics need nodes/metrics only.",
  types: RBAC_ROLES,
  violations: (props) => {
    const rules: any[] = props.rules ?? [];
    return failing(
      rules.map((rule, i) => () => {
        const groups: string[] = rule.apiGroups ?? [];
        const resources: string[] = rule.resources ?? [];
        if (!groups.some((g) => g === "" || g === "*")) return undefined;
        const granted = resources.find((r) => r === "nodes/proxy" || r === "nodes/*" || r === "*" || r === "*/proxy");
        return granted
          ? `rules[${i}] grants '${granted}', which lets its subjects run commands in any container of any node: grant nodes/metrics instead`
          : undefined;
      }),
    );
  },
});

/** A listen address only the pod itself reaches. */
function loopbackOnly(address: string | undefined): boolean {
  if (address === undefined) return false;
  const host = address.slice(0, address.lastIndexOf(":"));
  return host === "127.0.0.1" || host === "localhost" || host === "[::1]";
}

/**
 * `--web.enable-lifecycle` serves /-/quit and /-/reload on Prometheus' web port: wherever that port is
 * reached (a federation load balancer), a client can stop or reconfigure Prometheus. It is allowed only on a
 * listener that is loopback-only; the Thanos sidecar can reload Prometheus with a signal instead.
 */
export const noRemoteLifecycle = propertyPolicy({
  name: "k8s-no-remote-lifecycle",
  description:
    "Prometheus enables --web.enable-lifecycle only when it listens on loopback alone (the sidecar reloads it with SIGHUP).",
  types: WORKLOAD_TYPES,
  violations: (props, _config, args) => {
    const containers: any[] = podTemplate(args.type, props)?.spec.containers ?? [];
    const prometheus = containers.filter((c) => typeof c.image === "string" && imageName(c.image) === "prometheus");
    return failing(
      prometheus.map((container) => () => {
        const line = commandLine(container);
        if (!line.includes("--web.enable-lifecycle")) return undefined;
        const listen = flagValue(line, "--web.listen-address") ?? "0.0.0.0:9090";
        return loopbackOnly(listen)
          ? undefined
          : `container '${container.name}' enables --web.enable-lifecycle on ${listen}: /-/quit and /-/reload are reachable from outside the pod`;
      }),
    );
  },
});

const METADATA_V4 = "169.254.169.254/32";
const METADATA_V6 = "fd00:ec2::254/128";
/** What GKE Workload Identity needs of the metadata address (the GKE metadata server). */
const GKE_METADATA_PORTS = [80, 988];

/**
 * An egress rule without destinations admits every address, instance metadata included, whose credentials
 * belong to the node. Wide IP blocks must except the metadata addresses; a rule naming the IPv4 metadata
 * address itself may admit only the GKE metadata server's ports, which a Workload Identity needs.
 */
export const egressBlocksMetadata = propertyPolicy({
  name: "k8s-egress-blocks-metadata",
  description:
    "NetworkPolicy egress names its destinations and never admits instance metadata (169.254.169.254, fd00:ec2::254) beyond GKE's metadata server ports.",
  types: [K8S.networkPolicy],
  violations: (props) => {
    const rules: any[] = props.spec?.egress ?? [];
    return failing(
      rules.map((rule, i) => () => {
        const to: any[] = rule.to ?? [];
        if (to.length === 0) return `egress[${i}] has no 'to': it admits every address, instance metadata included`;
        for (const block of to.filter((p) => p.ipBlock).map((p) => p.ipBlock)) {
          const except: string[] = block.except ?? [];
          if (block.cidr === "0.0.0.0/0" && !except.includes(METADATA_V4))
            return `egress[${i}] admits 0.0.0.0/0 without excepting ${METADATA_V4}`;
          if (block.cidr === "::/0" && !except.includes(METADATA_V6))
            return `egress[${i}] admits ::/0 without excepting ${METADATA_V6}`;
          if (block.cidr === METADATA_V4) {
            const ports: number[] = (rule.ports ?? []).map((p: any) => p.port);
            const onlyGke = ports.length > 0 && ports.every((p) => GKE_METADATA_PORTS.includes(p));
            if (!onlyGke)
              return `egress[${i}] admits ${METADATA_V4} on ${ports.length > 0 ? ports.join(", ") : "every port"}: only ports ${GKE_METADATA_PORTS.join(" and ")} (GKE's metadata server)`;
          }
        }
        return undefined;
      }),
    );
  },
});
