import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { posix } from "node:path";
import { RECEIVE, RECEIVE_BUCKET, RECEIVE_BUCKET_IDENTITIES } from "../../builders/global/layout";
import { RECEIVE_FILES } from "../../builders/global/receive";
import type { ComponentIdentity } from "../../builders/k8s/labels";
import { podSecurityContext } from "../../builders/k8s/pod";
import { DEFAULTS } from "../../config/defaults";
import { IMAGES } from "../../versions";
import { type CrossSignedIntermediate, signedCertificate } from "../pki";
import { COMPACTOR_REPLICAS, type ThanosPodLayout, thanosStatefulSet } from "../thanos-bucket";
import {
  type ContainerFeature,
  configChecksum,
  container,
  disruptionBudget,
  featureAnnotations,
  featureVolumes,
  fieldEnv,
  httpProbes,
  loadBalancer,
  loadBalancerServiceAddress,
  metadata,
  mountedFiles,
  movedChildOpts,
  persistentVolumeClaim,
  spread,
  type Workload,
  workloadConfigMap,
} from "../workload";
import { type GlobalPartArgs, globalWorkload } from "./part";

/** The command lines of Receive and of its bucket's store gateways and compactor. */
export interface ReceiveArgsSet {
  readonly receive: string[];
  readonly store: string[];
  readonly compact: string[];
}

export interface ThanosReceiveArgs extends GlobalPartArgs {
  /** The identities of the store gateways and the compactor of Receive's bucket. */
  readonly storeId: ComponentIdentity;
  readonly compactId: ComponentIdentity;
  readonly replicas: number;
  readonly args: pulumi.Output<ReceiveArgsSet>;
  /** The hashrings and limits files, by file name. */
  readonly config: pulumi.Output<Record<string, string>>;
  /** The objstore file of Receive's bucket (a Secret: on a cluster the user runs it holds the bucket's keys). */
  readonly objstore: pulumi.Output<string>;
  /** The Alertmanager intermediate, cross-signed by every region's alerting CA, which the agents verify. */
  readonly ca: CrossSignedIntermediate;
  /** The CAs of the remote-write regions, which sign their agents' client certificates. */
  readonly clientCas: pulumi.Output<string>;
  /** The bucket identity of each ServiceAccount of RECEIVE_BUCKET_IDENTITIES, by its name. */
  readonly identityAnnotations: Readonly<Record<string, pulumi.Input<Record<string, string>>>>;
  /** Every load balancer of the stack carries these (builders/global/load-balancer.ts). */
  readonly loadBalancerAnnotations: Readonly<Record<string, string>>;
  /** The remote-write regions' egress addresses: the only ones its load balancer admits. */
  readonly sourceRanges: pulumi.Input<string[]>;
  readonly storageClassName?: string;
}

/** Receive's bucket readers serve HTTP and keep their data where a region's do. */
const BUCKET_READER_POD: ThanosPodLayout = { httpPort: RECEIVE_BUCKET.httpPort, dataDir: RECEIVE_BUCKET.dataDir };

/**
 * Thanos Receive for the remote-write regions: one hashring of router-ingestor pods behind one load balancer
 * (the regions' agents write there over mutual TLS, passed through to the pods), its bucket with the store
 * gateways and the one compactor that read it, and the server certificate the agents verify against the
 * alerting CA they hold.
 */
export class ThanosReceive extends pulumi.ComponentResource {
  /** `host:port` of the remote-write load balancer: each remote-write region's `ingestion.receiveEndpoint`. */
  readonly endpoint: pulumi.Output<string>;
  /** When Receive's server certificate expires (RFC 3339). */
  readonly serverCertificateEnd: pulumi.Output<string>;

  constructor(name: string, args: ThanosReceiveArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:global:ThanosReceive", name, {}, opts);
    const w = globalWorkload(this, args, opts);
    const serviceAccounts = this.bucketServiceAccounts(w, args);
    const objstoreSecret = new k8s.core.v1.Secret(
      `${w.id.name}-objstore`,
      {
        metadata: metadata(w, `${w.id.name}-objstore`),
        stringData: { [posix.basename(RECEIVE_FILES.objstore)]: pulumi.secret(args.objstore) },
      },
      w.opts,
    );
    const objstore = mountedFiles("objstore", RECEIVE.objstoreDir, {
      secret: { secretName: objstoreSecret.metadata.name },
    });
    const leaf = signedCertificate(
      `${name}-receive-server`,
      "server",
      { commonName: RECEIVE.tlsServerName },
      { dnsNames: [RECEIVE.tlsServerName] },
      args.ca.self,
      movedChildOpts(this, opts?.parent),
    );
    // The leaf and every cross-signed intermediate, so each region's agent finds a chain to its alerting CA.
    const chain = pulumi
      .all([leaf.certPem, ...args.ca.crossSigned])
      .apply((pems) => `${pems.map((p) => p.trim()).join("\n")}\n`);
    this.receivers(w, args, { objstore, chain, keyPem: leaf.keyPem, serviceAccount: serviceAccounts.receive });
    this.endpoint = this.ingress(w, args);

    const reader = (id: ComponentIdentity) => globalWorkload(this, { ...args, id }, opts);
    const store = reader(args.storeId);
    thanosStatefulSet(store, args.storageClassName, BUCKET_READER_POD, {
      replicas: DEFAULTS.storeGateway.replicas,
      args: args.args.apply((a) => a.store),
      serviceAccount: serviceAccounts.store,
      size: DEFAULTS.receive.storeGateway,
      podManagementPolicy: "Parallel",
      features: [objstore, { ports: [{ name: "grpc", containerPort: RECEIVE_BUCKET.grpcPort }] }],
    });
    disruptionBudget(store);
    thanosStatefulSet(reader(args.compactId), args.storageClassName, BUCKET_READER_POD, {
      replicas: COMPACTOR_REPLICAS,
      args: args.args.apply((a) => a.compact),
      serviceAccount: serviceAccounts.compact,
      size: DEFAULTS.receive.compactor,
      // A rolling update stops the old compactor before the new one starts.
      podManagementPolicy: "OrderedReady",
      features: [objstore],
    });
    this.serverCertificateEnd = leaf.validityEndTime;
    this.registerOutputs({ endpoint: this.endpoint, serverCertificateEnd: this.serverCertificateEnd });
  }

  /** A ServiceAccount per bucket identity: Receive writes, its store gateways read, its compactor deletes. */
  private bucketServiceAccounts(w: Workload, args: ThanosReceiveArgs) {
    const [receive, store, compact] = RECEIVE_BUCKET_IDENTITIES.map(({ serviceAccount }) => {
      const annotations = args.identityAnnotations[serviceAccount.name];
      if (annotations === undefined)
        throw new Error(`Thanos Receive: no bucket identity for the ServiceAccount '${serviceAccount.name}'`);
      new k8s.core.v1.ServiceAccount(
        serviceAccount.name,
        { metadata: metadata(w, serviceAccount.name, annotations) },
        w.opts,
      );
      return serviceAccount.name;
    });
    return { receive, store, compact };
  }

  /** The hashring's pods, their config and TLS, and the headless Service that names each one. */
  private receivers(
    w: Workload,
    args: ThanosReceiveArgs,
    p: {
      objstore: ContainerFeature;
      chain: pulumi.Output<string>;
      keyPem: pulumi.Output<string>;
      serviceAccount: string;
    },
  ): void {
    const config = workloadConfigMap(w, "config", args.config);
    const tls = new k8s.core.v1.Secret(
      `${w.id.name}-tls`,
      {
        metadata: metadata(w, `${w.id.name}-tls`),
        stringData: {
          [posix.basename(RECEIVE_FILES.tlsCert)]: p.chain,
          [posix.basename(RECEIVE_FILES.tlsKey)]: pulumi.secret(p.keyPem),
          [posix.basename(RECEIVE_FILES.clientCa)]: args.clientCas,
        },
      },
      w.opts,
    );
    const features: ContainerFeature[] = [
      mountedFiles("config", RECEIVE.configDir, { configMap: { name: config.metadata.name } }),
      p.objstore,
      {
        ...mountedFiles("tls", RECEIVE.tlsDir, { secret: { secretName: tls.metadata.name } }),
        // Receive reads its certificate and client CAs at start.
        annotations: { "checksum/tls": configChecksum(p.chain, args.clientCas) },
      },
    ];
    const ports = [
      { name: "grpc", port: RECEIVE.grpcPort },
      { name: "http", port: RECEIVE.httpPort },
      { name: "remote-write", port: RECEIVE.remoteWritePort },
    ];
    new k8s.core.v1.Service(
      `${w.id.name}-pods`,
      {
        metadata: metadata(w, RECEIVE.podsService),
        spec: {
          clusterIP: "None",
          // Each pod's name is its hashring endpoint: the pods forward to each other before all are ready.
          publishNotReadyAddresses: true,
          selector: w.selector,
          ports: ports.map((port) => ({ ...port, targetPort: port.port })),
        },
      },
      w.opts,
    );
    new k8s.apps.v1.StatefulSet(
      w.id.name,
      {
        metadata: metadata(w),
        spec: {
          serviceName: RECEIVE.podsService,
          replicas: args.replicas,
          podManagementPolicy: "Parallel",
          selector: { matchLabels: w.selector },
          template: {
            metadata: {
              labels: w.labels,
              annotations: {
                ...featureAnnotations(features),
                "monitoring/config-checksum": configChecksum(
                  args.config.apply((c) => JSON.stringify(c)),
                  args.args.apply((a) => a.receive.join(" ")),
                ),
              },
            },
            spec: {
              serviceAccountName: p.serviceAccount,
              securityContext: podSecurityContext(),
              ...spread(w.selector),
              // On a stop Receive cuts its head into a block and uploads it.
              terminationGracePeriodSeconds: 120,
              containers: [
                container({
                  name: w.id.name,
                  image: IMAGES.thanos,
                  args: args.args.apply((a) => a.receive),
                  env: [fieldEnv("POD_NAME", "metadata.name")],
                  ports: ports.map((port) => ({ name: port.name, containerPort: port.port })),
                  resources: DEFAULTS.receive.resources,
                  features,
                  volumeMounts: [{ name: "data", mountPath: RECEIVE.dataDir }],
                  probes: httpProbes(RECEIVE.httpPort),
                }),
              ],
              volumes: featureVolumes(features),
            },
          },
          volumeClaimTemplates: [
            persistentVolumeClaim("data", args.storageClassName, DEFAULTS.receive.diskGiB, w.labels),
          ],
        },
      },
      w.opts,
    );
    // Every sample is on 3 pods and a write needs 2 of them: one pod at a time may go.
    disruptionBudget(w);
  }

  /** The load balancer the regions' agents write through: TCP, so their TLS reaches the pods untouched. */
  private ingress(w: Workload, args: ThanosReceiveArgs): pulumi.Output<string> {
    const lb = loadBalancer(
      `${w.id.name}-ingress`,
      metadata(w),
      {
        name: RECEIVE.ingressService,
        annotations: args.loadBalancerAnnotations,
        selector: w.selector,
        ports: [{ name: "remote-write", port: RECEIVE.remoteWritePort, targetPort: RECEIVE.remoteWritePort }],
        sourceRanges: args.sourceRanges,
      },
      w.opts,
    );
    return loadBalancerServiceAddress(lb, "Thanos Receive").apply((host) => `${host}:${RECEIVE.remoteWritePort}`);
  }
}
