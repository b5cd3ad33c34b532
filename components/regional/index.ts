import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { posix } from "node:path";
import type { ObjectStoreLocation } from "../../builders/cloud/object-store";
import { GATEWAY_PORTS } from "../../builders/gateway/routes";
import { managedLabels, selectorLabels } from "../../builders/k8s/labels";
import { type ClusterNetwork, allowDnsSpec, defaultDenySpec } from "../../builders/k8s/network-policies";
import {
  BUCKET_IDENTITIES,
  FEDERATION_USERNAME,
  MONITORING_NAMESPACE,
  NAMES,
  PATHS,
  REPLICA_LABEL,
} from "../../builders/regional/layout";
import { gatewaySelector } from "../../builders/regional/gateway";
import { isRemoteWrite } from "../../builders/regional/agent";
import { regionalPlan, type RegionalPlan } from "../../builders/regional/plan";
import { toYaml } from "../../builders/yaml";
import {
  CERTIFICATE_RULES_FILE,
  regionalLocalClientConfig,
  regionalRuleFiles,
  regionalWebConfig,
  CLUSTER_REGIONAL_LAYOUT,
} from "../../builders/regional/workload-config";
import { SIDECAR_BLOCK_DURATION } from "../../builders/prometheus/args";
import { certificateRules } from "../../builders/rules/certificates";
import { teamCredentialFiles } from "../../builders/teams/credentials";
import { objstoreConfig } from "../../builders/thanos/objstore";
import type { PrometheusPodRef } from "../../contracts/regional-outputs";
import type { RegionalStackConfig } from "../../config/types";
import { RegionalCredentials } from "./credentials";
import { Exporters } from "./exporters";
import { RegionGateway } from "./gateway";
import { TeamCredentials } from "./team-credentials";
import { PROMETHEUS_SELECTOR, PrometheusShards } from "./prometheus";
import { ThanosBucketWorkloads } from "./thanos";
import { configChecksum } from "../workload";

export interface RegionalMonitoringArgs {
  readonly config: RegionalStackConfig;
  /** Provider of the region's cluster. */
  readonly provider: k8s.Provider;
  /** This region's bucket (S3 bucket and region, or GCS bucket). */
  readonly objectStore: pulumi.Input<ObjectStoreLocation>;
  /** IRSA / Workload Identity annotations of each bucket ServiceAccount (BUCKET_IDENTITIES), by its name. */
  readonly identityAnnotations: Readonly<Record<string, pulumi.Input<Record<string, string>>>>;
  readonly clusterName: pulumi.Input<string>;
  /** The cluster's SSD StorageClass for the TSDB and Thanos volumes. */
  readonly storageClassName: string | undefined;
}

const FILES = {
  tlsSecret: "regional-tls",
  prometheusSecret: "prometheus-secrets",
  rulesConfigMap: "prometheus-rules",
  objstoreSecret: "thanos-objstore",
} as const;
/** Remote-write regions: the agents' client certificate to Thanos Receive. */
const REMOTE_WRITE_SECRET = "prometheus-remote-write";

/**
 * A region's monitoring workloads in its cluster: the `monitoring` namespace (default deny), Prometheus
 * shards with Thanos sidecars, node-exporter, kube-state-metrics, the Thanos store gateway and the bucket's
 * single compactor, and the TLS material and credentials the global tier needs to reach the region. Its
 * public fields are the non-cloud part of contracts/regional-outputs.ts.
 */
/** Metadata of an object in the monitoring namespace, with the labels every shared object carries. */
function namespacedMeta(labels: Record<string, string>) {
  return (objectName: string, annotations?: pulumi.Input<Record<string, string>>) => ({
    name: objectName,
    namespace: MONITORING_NAMESPACE,
    labels,
    ...(annotations ? { annotations } : {}),
  });
}

export class RegionalMonitoring extends pulumi.ComponentResource {
  readonly namespace = MONITORING_NAMESPACE;
  readonly replicaLabel = REPLICA_LABEL;
  readonly plan: RegionalPlan;
  readonly prometheusPods: readonly PrometheusPodRef[];
  readonly prometheusSelector: Record<string, string> = { ...PROMETHEUS_SELECTOR };
  readonly storeGatewaySelector: Record<string, string>;
  /** The region gateway's pods: the only pods the global tier's load balancer reaches. */
  readonly gatewaySelector: Record<string, string>;
  readonly federationPort = GATEWAY_PORTS.federation;
  readonly storeApiPort = GATEWAY_PORTS.storeApi;
  /** External labels of every Prometheus of the region besides `shard` and the replica label. */
  readonly externalLabels: pulumi.Output<Record<string, string>>;
  readonly tlsServerName: string;
  readonly tlsCaCert: pulumi.Output<string>;
  readonly storeApiClientCert: pulumi.Output<string>;
  readonly storeApiClientKey: pulumi.Output<string>;
  readonly federationUsername = FEDERATION_USERNAME;
  readonly federationPassword: pulumi.Output<string>;
  readonly alertingCaCert: pulumi.Output<string>;
  readonly alertingCaKey: pulumi.Output<string>;
  readonly alertingUsername: string;
  readonly alertingPassword: pulumi.Output<string>;
  /** bcrypt hash of alertingPassword, for the global Alertmanagers' web config (not in the contract yet). */
  readonly alertingPasswordHash: pulumi.Output<string>;
  readonly alertmanagerTargetsConfigMap = NAMES.alertmanagerTargetsConfigMap;
  readonly alertmanagerTargetsKey = NAMES.alertmanagerTargetsKey;
  /** When each certificate the region issued expires, by name (RFC 3339). */
  readonly certificateExpiries: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: RegionalMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:regional:RegionalMonitoring", name, {}, opts);
    const { config } = args;
    this.plan = regionalPlan(config);
    this.prometheusPods = this.plan.pods;
    this.tlsServerName = this.plan.tlsServerName;
    this.alertingUsername = this.plan.alertingUsername;
    this.externalLabels = pulumi
      .output(args.clusterName)
      .apply((cluster): Record<string, string> => ({ region: config.stack, cloud: config.cloud, cluster }));

    const { namespace, labels } = this.isolatedNamespace(args);
    this.gatewaySelector = gatewaySelector(config.namePrefix);
    const network: ClusterNetwork = {
      cloud: config.cloud,
      vpcCidr: config.cluster.vpcCidr,
      zones: config.cluster.zones,
    };
    const credentials = new RegionalCredentials(
      `${name}-credentials`,
      { region: config.stack, tlsServerName: this.tlsServerName, remoteWrite: isRemoteWrite(config) },
      { parent: this },
    );
    this.tlsCaCert = credentials.caCertPem;
    this.storeApiClientCert = credentials.clientCertPem;
    this.storeApiClientKey = credentials.clientKeyPem;
    this.federationPassword = credentials.federationPassword;
    this.alertingCaCert = credentials.alertingCaCertPem;
    this.alertingCaKey = credentials.alertingCaKeyPem;
    this.alertingPassword = credentials.alertingPassword;
    this.alertingPasswordHash = credentials.alertingPasswordHash;
    this.certificateExpiries = credentials.issued.apply((issued) =>
      Object.fromEntries(issued.map((c) => [c.name, c.validityEndTime])),
    );
    this.sharedFiles(args, credentials, { ...this.k8sOptions(args), dependsOn: [namespace] }, labels);

    const teamFiles = teamCredentialFiles(config.teams);
    const teamCredentials =
      teamFiles.length > 0
        ? new TeamCredentials(
            `${name}-team-credentials`,
            { stack: config.stack, files: teamFiles, provider: args.provider, labels },
            { parent: this, dependsOn: [namespace] },
          )
        : undefined;

    // A remote-write region's agents present their client certificate to the global tier's Thanos Receive.
    const remoteWriteSecret =
      credentials.remoteWriteCertPem && credentials.remoteWriteKeyPem
        ? new k8s.core.v1.Secret(
            REMOTE_WRITE_SECRET,
            {
              metadata: namespacedMeta(labels)(REMOTE_WRITE_SECRET),
              stringData: {
                [posix.basename(PATHS.remoteWriteCertFile)]: credentials.remoteWriteCertPem,
                [posix.basename(PATHS.remoteWriteKeyFile)]: credentials.remoteWriteKeyPem,
              },
            },
            { ...this.k8sOptions(args), dependsOn: [namespace] },
          )
        : undefined;
    const tlsChecksum = configChecksum(credentials.serverCertPem, credentials.caCertPem);
    const childOpts = { parent: this, dependsOn: [namespace] };
    new PrometheusShards(
      `${name}-prometheus`,
      {
        config,
        plan: this.plan,
        provider: args.provider,
        network,
        clusterName: args.clusterName,
        storageClassName: args.storageClassName,
        mounts: {
          ...FILES,
          tlsChecksum,
          ...(teamCredentials ? { teamCredentialsSecret: teamCredentials.secretName } : {}),
          ...(remoteWriteSecret ? { remoteWriteSecret: REMOTE_WRITE_SECRET } : {}),
        },
      },
      childOpts,
    );
    const thanos = new ThanosBucketWorkloads(
      `${name}-thanos`,
      {
        config,
        plan: this.plan,
        provider: args.provider,
        network,
        prometheusSelector: PROMETHEUS_SELECTOR,
        storageClassName: args.storageClassName,
        objstoreSecret: FILES.objstoreSecret,
        tlsSecret: FILES.tlsSecret,
        tlsChecksum,
      },
      childOpts,
    );
    this.storeGatewaySelector = thanos.storeGatewaySelector;
    new RegionGateway(
      `${name}-gateway`,
      {
        instance: config.namePrefix,
        plan: this.plan,
        provider: args.provider,
        network,
        prometheusSelector: PROMETHEUS_SELECTOR,
        tls: { certPem: credentials.serverCertPem, keyPem: credentials.serverKeyPem, caPem: credentials.caCertPem },
      },
      childOpts,
    );
    new Exporters(
      `${name}-exporters`,
      {
        instance: config.namePrefix,
        provider: args.provider,
        network,
        prometheusSelector: PROMETHEUS_SELECTOR,
        sizing: this.plan.sizing,
      },
      childOpts,
    );

    // Every public field but the plan (the config's own figures), the credentials and keys as secrets.
    this.registerOutputs({
      namespace: this.namespace,
      replicaLabel: this.replicaLabel,
      prometheusPods: this.prometheusPods,
      prometheusSelector: this.prometheusSelector,
      storeGatewaySelector: this.storeGatewaySelector,
      gatewaySelector: this.gatewaySelector,
      federationPort: this.federationPort,
      storeApiPort: this.storeApiPort,
      externalLabels: this.externalLabels,
      tlsServerName: this.tlsServerName,
      tlsCaCert: this.tlsCaCert,
      storeApiClientCert: pulumi.secret(this.storeApiClientCert),
      storeApiClientKey: pulumi.secret(this.storeApiClientKey),
      federationUsername: this.federationUsername,
      federationPassword: pulumi.secret(this.federationPassword),
      alertingCaCert: this.alertingCaCert,
      alertingCaKey: pulumi.secret(this.alertingCaKey),
      alertingUsername: this.alertingUsername,
      alertingPassword: pulumi.secret(this.alertingPassword),
      alertingPasswordHash: pulumi.secret(this.alertingPasswordHash),
      alertmanagerTargetsConfigMap: this.alertmanagerTargetsConfigMap,
      alertmanagerTargetsKey: this.alertmanagerTargetsKey,
      certificateExpiries: this.certificateExpiries,
    });
  }

  private k8sOptions(args: RegionalMonitoringArgs): pulumi.CustomResourceOptions {
    return { parent: this, provider: args.provider };
  }

  /**
   * The namespace, denying all traffic both ways but DNS, and the ServiceAccounts that carry the bucket
   * identities. The namespace and what all its workloads share belong to no one workload, hence no component
   * or version in their labels.
   */
  private isolatedNamespace(args: RegionalMonitoringArgs) {
    const { config } = args;
    const k8sOpts = this.k8sOptions(args);
    const labels = { ...selectorLabels({ name: "monitoring", instance: config.namePrefix }), ...managedLabels() };
    const namespace = new k8s.core.v1.Namespace(
      MONITORING_NAMESPACE,
      { metadata: { name: MONITORING_NAMESPACE, labels } },
      k8sOpts,
    );
    const inNamespace: pulumi.CustomResourceOptions = { ...k8sOpts, dependsOn: [namespace] };
    const meta = namespacedMeta(labels);
    new k8s.networking.v1.NetworkPolicy(
      "default-deny",
      { metadata: meta("default-deny"), spec: defaultDenySpec() },
      inNamespace,
    );
    new k8s.networking.v1.NetworkPolicy(
      "allow-dns",
      { metadata: meta("allow-dns"), spec: allowDnsSpec() },
      inNamespace,
    );
    for (const { serviceAccount } of BUCKET_IDENTITIES) {
      const annotations = args.identityAnnotations[serviceAccount.name];
      if (annotations === undefined)
        throw new Error(`stack '${config.stack}': no bucket identity for the ServiceAccount '${serviceAccount.name}'`);
      new k8s.core.v1.ServiceAccount(
        serviceAccount.name,
        { metadata: meta(serviceAccount.name, annotations) },
        inNamespace,
      );
    }
    return { namespace, labels };
  }

  /** The Secrets and ConfigMap every Prometheus pod and Thanos component mounts (FILES). */
  private sharedFiles(
    args: RegionalMonitoringArgs,
    credentials: RegionalCredentials,
    inNamespace: pulumi.CustomResourceOptions,
    labels: Record<string, string>,
  ): void {
    const { config } = args;
    const meta = namespacedMeta(labels);
    new k8s.core.v1.Secret(
      FILES.tlsSecret,
      {
        metadata: meta(FILES.tlsSecret),
        stringData: {
          [posix.basename(PATHS.tlsCertFile)]: credentials.serverCertPem,
          [posix.basename(PATHS.tlsKeyFile)]: credentials.serverKeyPem,
          [posix.basename(PATHS.tlsCaFile)]: credentials.caCertPem,
        },
      },
      inNamespace,
    );
    new k8s.core.v1.Secret(
      FILES.prometheusSecret,
      {
        metadata: meta(FILES.prometheusSecret),
        stringData: {
          [posix.basename(PATHS.webConfigFile)]: credentials.federationPasswordHash.apply((hash) =>
            toYaml(regionalWebConfig(CLUSTER_REGIONAL_LAYOUT, hash)),
          ),
          [posix.basename(PATHS.federationPasswordFile)]: credentials.federationPassword,
          [posix.basename(PATHS.alertingPasswordFile)]: credentials.alertingPassword,
          [posix.basename(PATHS.alertingCaFile)]: credentials.alertingCaCertPem,
          [posix.basename(PATHS.localClientConfigFile)]: toYaml(
            regionalLocalClientConfig(CLUSTER_REGIONAL_LAYOUT, this.tlsServerName),
          ),
        },
      },
      inNamespace,
    );
    new k8s.core.v1.ConfigMap(
      FILES.rulesConfigMap,
      {
        metadata: meta(FILES.rulesConfigMap),
        data: credentials.issued.apply((issued) => ({
          ...Object.fromEntries(
            Object.entries(regionalRuleFiles(config, SIDECAR_BLOCK_DURATION)).map(([file, rules]) => [
              file,
              toYaml(rules),
            ]),
          ),
          [CERTIFICATE_RULES_FILE]: toYaml(certificateRules(issued, config.certificateWarningDays, config.alerts)),
        })),
      },
      inNamespace,
    );
    // A Secret, since a bucket on a cluster the user runs is reached with credentials inside this file.
    new k8s.core.v1.Secret(
      FILES.objstoreSecret,
      {
        metadata: meta(FILES.objstoreSecret),
        stringData: {
          [posix.basename(PATHS.objstoreFile)]: pulumi.secret(
            pulumi.output(args.objectStore).apply((location) => toYaml(objstoreConfig(location))),
          ),
        },
      },
      inNamespace,
    );
  }
}
