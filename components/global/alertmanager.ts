import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { alertmanagerProbeCommand } from "../../builders/alertmanager/probe";
import { ALERTMANAGER, alertmanagerPeerHosts, alertmanagerPodName } from "../../builders/global/layout";
import { DEFAULTS } from "../../config/defaults";
import { IMAGES } from "../../versions";
import { type CrossSignedIntermediate, signedCertificate, subjectNames } from "../pki";
import {
  configChecksum,
  container,
  disruptionBudget,
  featureVolumes,
  fieldEnv,
  gossipPorts,
  gossipServicePorts,
  loadBalancer,
  loadBalancerServiceAddress,
  metadata,
  mountedFiles,
  execProbes,
  movedChildOpts,
  persistentVolumeClaim,
  podBasics,
  tlsSecret,
  probeCredentials,
} from "../workload";
import { type GlobalPartArgs, globalWorkload } from "./part";

const POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";

export interface AlertmanagerPeersArgs extends GlobalPartArgs {
  readonly replicas: number;
  /** Every load balancer of the stack carries these (builders/global/load-balancer.ts). */
  readonly loadBalancerAnnotations: Readonly<Record<string, string>>;
  /** Every region's egress and the global cluster's: the only addresses the peers' load balancers admit. */
  readonly sourceRanges: pulumi.Input<string[]>;
}

/**
 * The mesh's Services: a headless one that gives each peer a stable name for gossip, and one load balancer
 * per peer (never one for all of them), so every Prometheus of every region sends each alert to each peer.
 * They come before the mesh: the configs every part of the tier reads are rendered from their addresses.
 */
export class AlertmanagerPeers extends pulumi.ComponentResource {
  /** The load balancers' addresses, in ordinal order. */
  readonly hosts: pulumi.Output<string[]>;

  constructor(name: string, args: AlertmanagerPeersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:global:AlertmanagerPeers", name, {}, opts);
    const w = globalWorkload(this, args, opts);
    new k8s.core.v1.Service(
      `${w.id.name}-peers`,
      {
        metadata: metadata(w, ALERTMANAGER.peersService),
        spec: {
          clusterIP: "None",
          // Peers must find each other before they are ready: readiness waits for the mesh to settle.
          publishNotReadyAddresses: true,
          selector: w.selector,
          ports: [
            { name: "web", port: ALERTMANAGER.webPort, targetPort: ALERTMANAGER.webPort },
            ...gossipServicePorts("mesh", ALERTMANAGER.clusterPort),
          ],
        },
      },
      w.opts,
    );
    const addresses = Array.from({ length: args.replicas }, (_, i) => {
      const pod = alertmanagerPodName(i);
      const svc = loadBalancer(
        pod,
        metadata(w),
        {
          name: pod,
          annotations: args.loadBalancerAnnotations,
          selector: { ...w.selector, [POD_NAME_LABEL]: pod },
          ports: [{ name: "web", port: ALERTMANAGER.webPort, targetPort: ALERTMANAGER.webPort }],
          sourceRanges: args.sourceRanges,
        },
        w.opts,
      );
      return loadBalancerServiceAddress(svc, `Alertmanager peer ${pod}`);
    });
    this.hosts = pulumi.all(addresses);
    this.registerOutputs({ hosts: this.hosts });
  }
}

export interface AlertmanagerMeshArgs extends GlobalPartArgs {
  readonly replicas: number;
  /** The peers' load-balancer addresses, which the server certificate names. */
  readonly hosts: pulumi.Output<string[]>;
  /** The intermediate CA every region trusts (components/pki.ts), which signs the peers' certificate. */
  readonly ca: CrossSignedIntermediate;
  readonly args: pulumi.Output<string[]>;
  /** alertmanager.yml and web.yml. */
  readonly config: pulumi.Output<Record<string, string>>;
  /** One file per receiver secret, named by its `secretKey`. */
  readonly receiverSecrets: Record<string, pulumi.Input<string>>;
  /** The password of ALERTMANAGER.probeUser, which the probes log in with. */
  readonly probePassword: pulumi.Output<string>;
  readonly storageClassName?: string;
}

/**
 * The peers: a StatefulSet spread over zones, its secrets, one server certificate for all peers, and a
 * budget that keeps a majority up.
 */
export class AlertmanagerMesh extends pulumi.ComponentResource {
  /** When the peers' server certificate expires (RFC 3339). */
  readonly serverCertificateEnd: pulumi.Output<string>;

  constructor(name: string, args: AlertmanagerMeshArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:global:AlertmanagerMesh", name, {}, opts);
    const w = globalWorkload(this, args, opts);
    const leaf = signedCertificate(
      `${name}-alertmanager-server`,
      "server",
      { commonName: ALERTMANAGER.tlsServerName },
      subjectNames([ALERTMANAGER.tlsServerName, ...alertmanagerPeerHosts(args.replicas)], args.hosts),
      args.ca.self,
      movedChildOpts(this, opts?.parent),
    );
    // The server presents its leaf and every cross-signed intermediate, so each region finds a chain to its CA.
    const chain = pulumi
      .all([leaf.certPem, ...args.ca.crossSigned])
      .apply((pems) => `${pems.map((p) => p.trim()).join("\n")}\n`);

    const configSecret = new k8s.core.v1.Secret(
      `${w.id.name}-config`,
      {
        metadata: metadata(w, `${w.id.name}-config`),
        stringData: pulumi.secret(args.config),
      },
      w.opts,
    );
    const receivers = new k8s.core.v1.Secret(
      `${w.id.name}-receivers`,
      {
        metadata: metadata(w, `${w.id.name}-receivers`),
        stringData: pulumi.secret(pulumi.output(args.receiverSecrets)),
      },
      w.opts,
    );
    const tls = tlsSecret(w, { certPem: chain, keyPem: leaf.keyPem });
    const probe = probeCredentials(w, {
      dir: ALERTMANAGER.probeDir,
      username: ALERTMANAGER.probeUser,
      serverName: ALERTMANAGER.tlsServerName,
      password: args.probePassword,
      // The intermediate that signs the peers' certificate: the chain the server sends ends at it.
      caPem: args.ca.self.certPem,
    });
    const features = [
      mountedFiles("config", ALERTMANAGER.configDir, { secret: { secretName: configSecret.metadata.name } }),
      mountedFiles("receivers", ALERTMANAGER.secretsDir, { secret: { secretName: receivers.metadata.name } }),
      mountedFiles("tls", ALERTMANAGER.tlsDir, { secret: { secretName: tls.metadata.name } }),
      probe.feature,
    ];
    new k8s.apps.v1.StatefulSet(
      w.id.name,
      {
        metadata: metadata(w),
        spec: {
          serviceName: ALERTMANAGER.peersService,
          replicas: args.replicas,
          podManagementPolicy: "Parallel",
          selector: { matchLabels: w.selector },
          template: {
            metadata: {
              labels: w.labels,
              annotations: {
                "monitoring/config-checksum": configChecksum(
                  args.config.apply((c) => JSON.stringify(c)),
                  args.args.apply((x) => x.join(" ")),
                ),
              },
            },
            spec: {
              ...podBasics(w),
              containers: [
                container({
                  name: "alertmanager",
                  image: IMAGES.alertmanager,
                  args: args.args,
                  env: [fieldEnv("POD_IP", "status.podIP")],
                  ports: [
                    { name: "web", containerPort: ALERTMANAGER.webPort },
                    ...gossipPorts("mesh", ALERTMANAGER.clusterPort),
                  ],
                  resources: DEFAULTS.alertmanager.resources,
                  features,
                  volumeMounts: [{ name: "data", mountPath: ALERTMANAGER.dataDir }],
                  // Its API answering an authenticated request over TLS (builders/alertmanager/probe.ts): the
                  // process alone, which depends on nothing else.
                  probes: execProbes(
                    alertmanagerProbeCommand({
                      amtool: "amtool",
                      url: `https://localhost:${ALERTMANAGER.webPort}`,
                      clientConfigFile: probe.clientConfigFile,
                    }),
                  ),
                }),
              ],
              volumes: featureVolumes(features),
            },
          },
          volumeClaimTemplates: [persistentVolumeClaim("data", args.storageClassName, 2, w.labels)],
        },
      },
      w.opts,
    );
    // A majority keeps the mesh's notification log and silences consistent through drains.
    disruptionBudget(w, { minAvailable: Math.floor(args.replicas / 2) + 1 });
    this.serverCertificateEnd = leaf.validityEndTime;
    this.registerOutputs({ serverCertificateEnd: this.serverCertificateEnd });
  }
}
