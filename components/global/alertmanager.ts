import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ALERTMANAGER, alertmanagerPodName } from "../../builders/global/layout";
import type { Cloud } from "../../config/clouds";
import { IMAGES } from "../../versions";
import { Workload, configChecksum, container, disruptionBudget, fieldEnv, loadBalancer, loadBalancerServiceAddress, metadata, podBasics, tlsSecret } from "./workload";

const POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";

/**
 * The mesh's Services: a headless one that gives each peer a stable name for gossip, and one load balancer
 * per peer (never one for all of them), so every Prometheus of every region sends each alert to each peer.
 * Returns the load balancers' addresses in ordinal order.
 */
export function alertmanagerServices(w: Workload, replicas: number, cloud: Cloud, sourceRanges: pulumi.Input<string[]>): pulumi.Output<string[]> {
  new k8s.core.v1.Service(`${w.id.name}-peers`, {
    metadata: metadata(w, ALERTMANAGER.peersService),
    spec: {
      clusterIP: "None",
      // Peers must find each other before they are ready: readiness waits for the mesh to settle.
      publishNotReadyAddresses: true,
      selector: w.selector,
      ports: [
        { name: "web", port: ALERTMANAGER.webPort, targetPort: ALERTMANAGER.webPort },
        { name: "mesh-tcp", port: ALERTMANAGER.clusterPort, targetPort: ALERTMANAGER.clusterPort, protocol: "TCP" },
        { name: "mesh-udp", port: ALERTMANAGER.clusterPort, targetPort: ALERTMANAGER.clusterPort, protocol: "UDP" },
      ],
    },
  }, w.opts);
  const addresses = Array.from({ length: replicas }, (_, i) => {
    const pod = alertmanagerPodName(i);
    const svc = loadBalancer(pod, metadata(w), {
      name: pod,
      cloud,
      selector: { ...w.selector, [POD_NAME_LABEL]: pod },
      ports: [{ name: "web", port: ALERTMANAGER.webPort, targetPort: ALERTMANAGER.webPort }],
      sourceRanges,
    }, w.opts);
    return loadBalancerServiceAddress(svc, `Alertmanager peer ${pod}`);
  });
  return pulumi.all(addresses);
}

export interface AlertmanagerPodsArgs {
  readonly replicas: number;
  readonly args: pulumi.Output<string[]>;
  /** alertmanager.yml and web.yml. */
  readonly config: pulumi.Output<Record<string, string>>;
  /** One file per receiver secret, named by its `secretKey`. */
  readonly receiverSecrets: Record<string, pulumi.Input<string>>;
  readonly tls: { certPem: pulumi.Input<string>; keyPem: pulumi.Input<string> };
  readonly storageClassName?: string;
}

/** The peers: a StatefulSet spread over zones, its secrets, and a budget that keeps a majority up. */
export function alertmanagerPods(w: Workload, a: AlertmanagerPodsArgs): k8s.apps.v1.StatefulSet {
  const configSecret = new k8s.core.v1.Secret(`${w.id.name}-config`, {
    metadata: metadata(w, `${w.id.name}-config`),
    stringData: pulumi.secret(a.config),
  }, w.opts);
  const receivers = new k8s.core.v1.Secret(`${w.id.name}-receivers`, {
    metadata: metadata(w, `${w.id.name}-receivers`),
    stringData: pulumi.secret(pulumi.output(a.receiverSecrets)),
  }, w.opts);
  const tls = tlsSecret(w, a.tls);
  const socket = { tcpSocket: { port: ALERTMANAGER.webPort }, periodSeconds: 10 };
  const set = new k8s.apps.v1.StatefulSet(w.id.name, {
    metadata: metadata(w),
    spec: {
      serviceName: ALERTMANAGER.peersService,
      replicas: a.replicas,
      podManagementPolicy: "Parallel",
      selector: { matchLabels: w.selector },
      template: {
        metadata: {
          labels: w.labels,
          annotations: { "monitoring/config-checksum": configChecksum(a.config.apply((c) => JSON.stringify(c)), a.args.apply((x) => x.join(" "))) },
        },
        spec: {
          ...podBasics(w),
          containers: [
            container({
              name: "alertmanager",
              image: IMAGES.alertmanager,
              args: a.args,
              env: [fieldEnv("POD_IP", "status.podIP")],
              ports: [
                { name: "web", containerPort: ALERTMANAGER.webPort },
                { name: "mesh-tcp", containerPort: ALERTMANAGER.clusterPort, protocol: "TCP" },
                { name: "mesh-udp", containerPort: ALERTMANAGER.clusterPort, protocol: "UDP" },
              ],
              resources: { cpuRequest: "100m", memoryRequest: "256Mi", memoryLimit: "512Mi" },
              volumeMounts: [
                { name: "config", mountPath: ALERTMANAGER.configDir, readOnly: true },
                { name: "receivers", mountPath: ALERTMANAGER.secretsDir, readOnly: true },
                { name: "tls", mountPath: ALERTMANAGER.tlsDir, readOnly: true },
                { name: "data", mountPath: ALERTMANAGER.dataDir },
              ],
              // Every HTTP path needs basic auth, so probes check the listening socket: the process alone, which
              // depends on nothing else.
              probes: { readiness: socket, liveness: { ...socket, failureThreshold: 6 } },
            }),
          ],
          volumes: [
            { name: "config", secret: { secretName: configSecret.metadata.name } },
            { name: "receivers", secret: { secretName: receivers.metadata.name } },
            { name: "tls", secret: { secretName: tls.metadata.name } },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: "data", labels: w.labels },
          spec: { accessModes: ["ReadWriteOnce"], storageClassName: a.storageClassName, resources: { requests: { storage: "2Gi" } } },
        },
      ],
    },
  }, w.opts);
  // A majority keeps the mesh's notification log and silences consistent through drains.
  disruptionBudget(w, Math.floor(a.replicas / 2) + 1);
  return set;
}
