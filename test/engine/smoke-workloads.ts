/**
 * The shapes of workload the monitoring program deploys, at their smallest: replicas spread over zones, a
 * StatefulSet with a claim per pod, a DaemonSet and a Service. The image is never pulled (KWOK runs no container).
 */
export const NAMESPACE = "smoke";
const IMAGE = "registry.k8s.io/pause:3.10";

const labels = (app: string) => ({ app });

function podTemplate(
  app: string,
  options: { readonly volumeMounts?: object[]; readonly spreadOverZones?: boolean } = {},
) {
  // As the program's replicas spread (builders/k8s/pod.ts): a zone may hold at most one more replica than another.
  const spread = {
    maxSkew: 1,
    topologyKey: "topology.kubernetes.io/zone",
    whenUnsatisfiable: "DoNotSchedule",
    labelSelector: { matchLabels: labels(app) },
  };
  return {
    metadata: { labels: labels(app) },
    spec: {
      containers: [
        {
          name: app,
          image: IMAGE,
          resources: { requests: { cpu: "100m", memory: "64Mi" } },
          volumeMounts: options.volumeMounts ?? [],
        },
      ],
      topologySpreadConstraints: options.spreadOverZones === false ? [] : [spread],
    },
  };
}

export const namespace = { apiVersion: "v1", kind: "Namespace", metadata: { name: NAMESPACE } };

export const deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web" },
  spec: { replicas: 2, selector: { matchLabels: labels("web") }, template: podTemplate("web") },
};

export const service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web" },
  spec: { selector: labels("web"), ports: [{ name: "http", port: 80, targetPort: 8080 }] },
};

export const headlessService = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "db" },
  spec: { clusterIP: "None", selector: labels("db"), ports: [{ name: "db", port: 5432 }] },
};

export const statefulSet = {
  apiVersion: "apps/v1",
  kind: "StatefulSet",
  metadata: { name: "db" },
  spec: {
    replicas: 2,
    serviceName: "db",
    selector: { matchLabels: labels("db") },
    template: podTemplate("db", { volumeMounts: [{ name: "data", mountPath: "/data" }] }),
    volumeClaimTemplates: [
      {
        metadata: { name: "data" },
        spec: {
          accessModes: ["ReadWriteOnce"],
          storageClassName: "standard",
          resources: { requests: { storage: "1Gi" } },
        },
      },
    ],
  },
};

export const daemonSet = {
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name: "agent" },
  spec: { selector: { matchLabels: labels("agent") }, template: podTemplate("agent", { spreadOverZones: false }) },
};
