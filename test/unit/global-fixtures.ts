import { GlobalStackConfig, loadStackConfig } from "../../config";
import { rawConfigOf, receiverSecretKeys } from "../../config/stack-file";
import { MONITORING_NAMESPACE, REPLICA_LABEL } from "../../contracts/regional-outputs";
import type { ExposedRegion, GlobalRenderOptions } from "../../builders/global/render";
import { CLOUDS, CLOUD_TRAITS } from "../../config/clouds";

/** A global stack config as a user writes it, for the given regions (and any overrides). */
export function globalConfig(regions: readonly string[], overrides: Record<string, unknown> = {}): GlobalStackConfig {
  const values: Record<string, unknown> = {
    tier: "global",
    cloud: "aws",
    region: "us-east-2",
    cluster: { apiAllowedCidrs: ["203.0.113.0/24"] },
    regions: regions.map((r) => `acme/monitoring/${r}`),
    ingressAllowedCidrs: ["203.0.113.0/24"],
    grafana: { domain: "grafana.example.com" },
    alerting: {
      receivers: [
        { name: "oncall", type: "pagerduty", secretKey: "pagerdutyRoutingKey" },
        { name: "team-slack", type: "slack", secretKey: "slackWebhookUrl", channel: "#monitoring" },
      ],
      defaultReceiver: "team-slack",
      routes: [{ receiver: "oncall", matchers: ['severity="critical"'], continue: true }],
    },
    pagerdutyRoutingKey: "key",
    slackWebhookUrl: "https://hooks.slack.com/services/T/B/X",
    ...overrides,
  };
  return loadStackConfig("global", rawConfigOf(values, receiverSecretKeys(values))) as GlobalStackConfig;
}

/** A region with `shards` x 2 Prometheus pods, exposed at documentation addresses. */
export function exposedRegion(name: string, index: number, shards = 1): ExposedRegion {
  const pods = Array.from({ length: shards * 2 }, (_, i) => ({
    podName: `prometheus-shard-${Math.floor(i / 2)}-${i % 2}`,
    shard: Math.floor(i / 2),
    replica: i % 2,
  }));
  // The regions take the clouds in turn.
  const cloud = CLOUDS[index % CLOUDS.length];
  return {
    outputs: {
      tier: "regional",
      region: name,
      cloud,
      cloudRegion: CLOUD_TRAITS[cloud].exampleRegion,
      clusterName: `${name}-monitoring`,
      egressCidrs: [`198.51.100.${10 + index}/32`],
      namespace: MONITORING_NAMESPACE,
      bucketName: `${name}-metrics`,
      externalLabels: { region: name, cloud, cluster: `${name}-monitoring` },
      replicaLabel: REPLICA_LABEL,
      prometheusPods: pods,
      prometheusSelector: { "app.kubernetes.io/name": "prometheus" },
      storeGatewaySelector: { "app.kubernetes.io/name": "thanos-store" },
      federationPort: 9090,
      storeApiPort: 10901,
      tlsServerName: `prometheus.${name}.monitoring`,
      tlsCaCert: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
      federationUsername: "federation",
      alertingCaCert: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
      alertingUsername: `${name}-prometheus`,
      alertmanagerTargetsConfigMap: "alertmanager-targets",
      alertmanagerTargetsKey: "alertmanagers.json",
    },
    prometheusHosts: Object.fromEntries(pods.map((p, i) => [p.podName, `192.0.2.${index * 20 + i + 1}`])),
    storeGatewayHost: `store-${name}.lb.example.com`,
  };
}

export const BCRYPT = "$2a$10$" + "h".repeat(53);

export function renderOptions(regions: readonly ExposedRegion[], replicas = 3): GlobalRenderOptions {
  return {
    alertmanagerHosts: Array.from({ length: replicas }, (_, i) => `am-${i}.lb.example.com`),
    alertmanagerUsers: { "global-federation": BCRYPT, ...Object.fromEntries(regions.map((r) => [r.outputs.alertingUsername, BCRYPT])) },
    federationAlertingUser: "global-federation",
    queryFrontendUsers: { grafana: BCRYPT, query: BCRYPT },
  };
}
