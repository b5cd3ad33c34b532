import * as assert from "node:assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { QUERY_FRONTEND_SCRAPE_JOB } from "../../builders/federation/config";
import { GlobalMonitoring } from "../../components/global";
import {
  type MockedResource,
  hasSecretInput,
  installMocks,
  k8sNamed,
  ofType,
  resolved,
  revealed,
  settled,
} from "../harness/mocks";
import { exposedRegion, globalConfig } from "../fixtures/global-fixtures";
import type { GatewayExposure, RegionalOutputs } from "../../contracts/regional-outputs";
import { IMAGES } from "../../versions";

/** A resource with its inputs as the engine would see them once decrypted. */
interface Recorded extends MockedResource {
  /** Whether any input reached the engine as a Pulumi secret. */
  secret: boolean;
}

/** A resource as its constructor saw it: its parent and aliases, which mocks never see. */
interface Placed {
  type: string;
  name: string;
  resource: pulumi.Resource;
  parent?: pulumi.Resource;
  aliases?: pulumi.ResourceOptions["aliases"];
}
const GLOBAL_EGRESS = ["203.0.113.50/32"];

/** Fake outputs of a regional stack, as its StackReference would answer them. */
function regionalOutputs(name: string, index: number, shards = 1): RegionalOutputs {
  return {
    ...exposedRegion(name, index, shards).outputs,
    kubeconfig: `apiVersion: v1\nkind: Config\nclusters: [{name: ${name}}]\n`,
    storeApiClientCert: `CLIENT-CERT-${name}`,
    storeApiClientKey: `CLIENT-KEY-${name}`,
    federationPassword: `federation-password-${name}`,
    alertingCaKey: `ALERTING-CA-KEY-${name}`,
    alertingPassword: `alerting-password-${name}`,
    alertingPasswordHash: `$2a$10$${"r".repeat(53)}`,
  };
}

async function deploy(regionNames: readonly string[], exposures: Readonly<Record<string, GatewayExposure>> = {}) {
  const recorded = await installMocks({ stack: "global" });
  const placed: Placed[] = [];
  const place: pulumi.ResourceTransformation = (a) => {
    placed.push({ type: a.type, name: a.name, resource: a.resource, parent: a.opts.parent, aliases: a.opts.aliases });
    return undefined;
  };
  const config = globalConfig(regionNames);
  const monitoring = new GlobalMonitoring(
    "global",
    {
      config,
      provider: new k8s.Provider("global-cluster", { kubeconfig: "global" }),
      database: {
        host: pulumi.output("grafana.abc.us-east-2.rds.amazonaws.com"),
        port: pulumi.output(5432),
        databaseName: pulumi.output("grafana"),
        username: pulumi.output("grafana"),
        password: pulumi.secret("db-password"),
      },
      globalEgressCidrs: GLOBAL_EGRESS,
      regions: regionNames.map((name, i) => ({
        name,
        provider: new k8s.Provider(`${name}-cluster`, { kubeconfig: name }),
        outputs: pulumi.output({ ...regionalOutputs(name, i, i === 0 ? 2 : 1), gatewayExposure: exposures[name] }),
        alertingPasswordHash: pulumi.secret(`$2a$10$${"r".repeat(53)}`),
        remoteWrite: false,
      })),
      secretConfig: {
        pagerdutyRoutingKey: pulumi.secret("routing-key"),
        slackWebhookUrl: pulumi.secret("https://hooks.slack.com/x"),
      },
    },
    { transformations: [place] },
  );
  const outputs: { grafanaUrl: string; thanosQueryUrl: string; alertmanagerEndpoints: string[] } = {
    grafanaUrl: await resolved(monitoring.grafanaUrl),
    thanosQueryUrl: await resolved(monitoring.thanosQueryUrl),
    alertmanagerEndpoints: await resolved(monitoring.alertmanagerEndpoints),
  };
  await settled();
  const resources: Recorded[] = recorded.map((r) => ({ ...r, inputs: revealed(r.inputs), secret: hasSecretInput(r) }));
  return { outputs, resources, placed, monitoring };
}

const onProvider = (r: Recorded, providerName: string) => (r.provider ?? "").includes(`::${providerName}::`);

describe("GlobalMonitoring component (under mocks)", function () {
  this.timeout(60000);
  let run: Awaited<ReturnType<typeof deploy>>;
  before(async () => (run = await deploy(["us-east", "eu-west"])));

  it("exposes a region through one load balancer in front of its gateway in the regional cluster, admitting only the global cluster", () => {
    const usEast = ofType(run.resources, "kubernetes:core/v1:Service").filter((s) => onProvider(s, "us-east-cluster"));
    assert.deepStrictEqual(
      usEast.map((s) => s.inputs.metadata.name),
      ["global-region-gateway"],
      "one, for 2 shards x 2 replicas",
    );
    const [lb] = usEast;
    assert.strictEqual(lb.inputs.spec.type, "LoadBalancer");
    assert.deepStrictEqual(lb.inputs.spec.selector, { "app.kubernetes.io/name": "region-gateway" });
    assert.deepStrictEqual(
      lb.inputs.spec.ports.map((p: any) => p.port),
      [9090, 10901],
    );
    assert.deepStrictEqual(lb.inputs.spec.loadBalancerSourceRanges, GLOBAL_EGRESS);
    // The NLB of the cloud provider EKS runs: "external" belongs to the AWS Load Balancer Controller, which EKS does not run.
    assert.deepStrictEqual(lb.inputs.metadata.annotations, {
      "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
    });
    const euWest = ofType(run.resources, "kubernetes:core/v1:Service").filter((s) => onProvider(s, "eu-west-cluster"));
    assert.strictEqual(euWest.length, 1);
    assert.deepStrictEqual(euWest[0].inputs.metadata.annotations, {}, "GCP needs no load-balancer annotations");
  });

  it("writes into each regional cluster the Alertmanager targets file listing every peer's own load balancer", () => {
    const targets = ofType(run.resources, "kubernetes:core/v1:ConfigMap").filter(
      (c) => c.inputs.metadata.name === "alertmanager-targets",
    );
    assert.deepStrictEqual(targets.map((t) => t.provider?.split("::")[3]).sort(), [
      "eu-west-cluster",
      "us-east-cluster",
    ]);
    const list = JSON.parse(targets[0].inputs.data["alertmanagers.json"]);
    assert.strictEqual(list[0].targets.length, 3);
    assert.deepStrictEqual(
      run.outputs.alertmanagerEndpoints.map((e) => e.replace(/^https:\/\//, "")),
      list[0].targets,
    );
  });

  it("runs an odd mesh of Alertmanagers, each behind its own load balancer admitting every region and the global cluster", () => {
    const peers = ofType(run.resources, "kubernetes:core/v1:Service").filter((s) =>
      /^alertmanager-\d$/.test(s.inputs.metadata.name),
    );
    assert.strictEqual(peers.length, 3);
    for (const peer of peers) {
      assert.strictEqual(peer.inputs.spec.type, "LoadBalancer");
      assert.deepStrictEqual([...peer.inputs.spec.loadBalancerSourceRanges].sort(), [
        "198.51.100.10/32",
        "198.51.100.11/32",
        "203.0.113.50/32",
      ]);
    }
    const set = k8sNamed(run.resources, "kubernetes:apps/v1:StatefulSet", "alertmanager");
    assert.strictEqual(set.inputs.spec.replicas, 3);
    const args: string[] = set.inputs.spec.template.spec.containers[0].args;
    assert.strictEqual(args.filter((a) => a.startsWith("--cluster.peer=")).length, 3);
    assert.ok(args.some((a) => a.startsWith("--cluster.label=")));
    assert.strictEqual(
      k8sNamed(run.resources, "kubernetes:policy/v1:PodDisruptionBudget", "alertmanager").inputs.spec.minAvailable,
      2,
    );
  });

  it("puts receiver keys and credentials only into Secrets, as Pulumi secrets", () => {
    const receivers = k8sNamed(run.resources, "kubernetes:core/v1:Secret", "alertmanager-receivers");
    assert.deepStrictEqual(receivers.inputs.stringData, {
      pagerdutyRoutingKey: "routing-key",
      slackWebhookUrl: "https://hooks.slack.com/x",
    });
    for (const name of [
      "alertmanager-receivers",
      "alertmanager-config",
      "federation-prometheus-credentials",
      "thanos-query-regions",
      "grafana-secrets",
    ]) {
      assert.ok(k8sNamed(run.resources, "kubernetes:core/v1:Secret", name).secret, `${name} is a Pulumi secret`);
    }
    const plain = JSON.stringify(ofType(run.resources, "kubernetes:core/v1:ConfigMap").map((c) => c.inputs));
    for (const secret of ["routing-key", "federation-password-us-east", "CLIENT-KEY-us-east", "db-password"])
      assert.ok(!plain.includes(secret), `${secret} in no ConfigMap`);
  });

  it("cross-signs one Alertmanager intermediate CA with each region's alerting CA key", () => {
    const crossSigned = ofType(run.resources, "tls:index/locallySignedCert:LocallySignedCert").filter(
      (c) => c.inputs.isCaCertificate,
    );
    assert.deepStrictEqual(crossSigned.map((c) => c.inputs.caPrivateKeyPem).sort(), [
      "ALERTING-CA-KEY-eu-west",
      "ALERTING-CA-KEY-us-east",
    ]);
  });

  it("keeps Thanos Query at two or more replicas and Grafana at three or more, each with an autoscaler and a disruption budget", () => {
    for (const [name, min] of [
      ["thanos-query", 2],
      ["thanos-query-frontend", 2],
      ["grafana", 3],
    ] as const) {
      // The autoscaler owns the count: a spec.replicas would be applied again, and the pods above it removed, on every update.
      assert.ok(
        !("replicas" in k8sNamed(run.resources, "kubernetes:apps/v1:Deployment", name).inputs.spec),
        `${name} leaves replicas to its autoscaler`,
      );
      const hpa = k8sNamed(run.resources, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", name).inputs.spec;
      assert.ok(hpa.minReplicas >= min && hpa.maxReplicas >= hpa.minReplicas, `${name} autoscaler bounds`);
      k8sNamed(run.resources, "kubernetes:policy/v1:PodDisruptionBudget", name);
    }
    // The image's entrypoint is the thanos binary: the subcommand comes first.
    const args = (name: string): string[] =>
      k8sNamed(run.resources, "kubernetes:apps/v1:Deployment", name).inputs.spec.template.spec.containers[0].args;
    assert.strictEqual(args("thanos-query")[0], "query");
    assert.strictEqual(args("thanos-query-frontend")[0], "query-frontend");
  });

  it("runs Grafana on the managed Postgres with its admin password from a Secret, spread over zones", () => {
    const spec = k8sNamed(run.resources, "kubernetes:apps/v1:Deployment", "grafana").inputs.spec.template.spec;
    const env = Object.fromEntries(spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    assert.strictEqual(env.GF_DATABASE_TYPE, "postgres");
    assert.strictEqual(env.GF_DATABASE_HOST, "grafana.abc.us-east-2.rds.amazonaws.com:5432");
    assert.ok(env.GF_SECURITY_ADMIN_PASSWORD.secretKeyRef, "admin password comes from a Secret");
    assert.ok(env.GF_DATABASE_PASSWORD.secretKeyRef, "database password comes from a Secret");
    assert.ok(spec.topologySpreadConstraints.some((c: any) => c.topologyKey === "topology.kubernetes.io/zone"));
  });

  it("checks liveness on the process itself and readiness on what it serves from: a Thanos Query or Postgres outage restarts nothing", () => {
    const container = (name: string) =>
      k8sNamed(run.resources, "kubernetes:apps/v1:Deployment", name).inputs.spec.template.spec.containers[0];
    const path = (probe: any) => probe?.httpGet?.path;
    assert.strictEqual(path(container("thanos-query").readinessProbe), "/-/ready", "thanos-query readiness");
    assert.strictEqual(path(container("thanos-query").livenessProbe), "/-/healthy", "thanos-query liveness");
    // Every path of the frontend asks for basic auth and its image has no HTTP client: it is alive while its
    // port accepts connections, and its pod ready while the readiness check's promtool gets 200 from /-/ready
    // (which follows Thanos Query's), logged in as the probe user, whose password is in a Secret only.
    const frontendPod = k8sNamed(run.resources, "kubernetes:apps/v1:Deployment", "thanos-query-frontend").inputs.spec
      .template.spec;
    const [frontend, readyCheck] = frontendPod.containers;
    assert.deepStrictEqual(frontend.livenessProbe.tcpSocket, { port: 9090 });
    assert.strictEqual(readyCheck.name, "ready-check");
    assert.deepStrictEqual(readyCheck.readinessProbe.exec.command, [
      "promtool",
      "check",
      "ready",
      "--url=https://localhost:9090",
      "--http.config.file=/etc/thanos/probe/client.yaml",
    ]);
    assert.deepStrictEqual(readyCheck.command, [
      "sh",
      "-c",
      "trap 'kill $! 2>/dev/null; exit 0' TERM; while true; do sleep 3600 & wait $!; done",
    ]);
    const frontendProbe = k8sNamed(run.resources, "kubernetes:core/v1:Secret", "thanos-query-frontend-probe");
    assert.ok(frontendProbe.secret);
    assert.deepStrictEqual(YAML.parse(frontendProbe.inputs.stringData["client.yaml"]).tls_config, {
      ca_file: "/etc/thanos/probe/ca.crt",
      server_name: "thanos-query-frontend.monitoring.svc",
    });
    assert.ok(frontendPod.volumes.some((v: any) => v.secret?.secretName === "thanos-query-frontend-probe"));
    // Every path of Alertmanager asks for basic auth too: the image's amtool asks its API, logged in with the
    // probe user's password from a Secret; the web config admits that user.
    const alertmanager = k8sNamed(run.resources, "kubernetes:apps/v1:StatefulSet", "alertmanager").inputs.spec.template
      .spec;
    for (const probe of [alertmanager.containers[0].readinessProbe, alertmanager.containers[0].livenessProbe]) {
      assert.deepStrictEqual(probe.exec.command, [
        "amtool",
        "cluster",
        "show",
        "--alertmanager.url=https://localhost:9093",
        "--http.config.file=/etc/alertmanager/probe/client.yaml",
      ]);
    }
    const probeSecret = k8sNamed(run.resources, "kubernetes:core/v1:Secret", "alertmanager-probe");
    assert.ok(probeSecret.secret, "the probe's password is a Pulumi secret");
    assert.deepStrictEqual(YAML.parse(probeSecret.inputs.stringData["client.yaml"]).basic_auth, {
      username: "alertmanager-probe",
      password_file: "/etc/alertmanager/probe/password",
    });
    assert.match(probeSecret.inputs.stringData["ca.crt"], /BEGIN CERTIFICATE/);
    const webConfig = YAML.parse(
      k8sNamed(run.resources, "kubernetes:core/v1:Secret", "alertmanager-config").inputs.stringData["web.yml"],
    );
    assert.match(webConfig.basic_auth_users["alertmanager-probe"], /^\$2[aby]\$/);
    const grafana = container("grafana");
    assert.strictEqual(path(grafana.readinessProbe), "/api/health", "Grafana is ready while its database answers");
    assert.strictEqual(
      path(grafana.livenessProbe),
      "/healthz",
      "Grafana is alive while its web server answers, database or not",
    );
    // The first start migrates the schema before the web server listens.
    assert.strictEqual(path(grafana.startupProbe), "/healthz");
    assert.ok(
      grafana.startupProbe.failureThreshold * grafana.startupProbe.periodSeconds >= 300,
      "migrations get at least 5 minutes",
    );
    for (const w of [
      ...ofType(run.resources, "kubernetes:apps/v1:Deployment"),
      ...ofType(run.resources, "kubernetes:apps/v1:StatefulSet"),
    ]) {
      for (const c of w.inputs.spec.template.spec.containers) {
        const probe = c.livenessProbe?.httpGet?.path;
        assert.ok(
          probe === undefined || !["/-/ready", "/api/health"].includes(probe),
          `${w.inputs.metadata.name}/${c.name}: liveness is not a readiness check (${probe})`,
        );
      }
    }
  });

  it("lets the federation scrape every Query Frontend replica: a headless Service, the frontend's password and CA mounted from the federation's Secret, admitted both ways", () => {
    const frontendPods = {
      podSelector: {
        matchLabels: k8sNamed(run.resources, "kubernetes:apps/v1:Deployment", "thanos-query-frontend").inputs.spec
          .selector.matchLabels,
      },
    };
    const federation = k8sNamed(run.resources, "kubernetes:apps/v1:StatefulSet", "federation-prometheus").inputs.spec;
    const federationPods = { podSelector: { matchLabels: federation.selector.matchLabels } };
    const headless = k8sNamed(run.resources, "kubernetes:core/v1:Service", "thanos-query-frontend-pods").inputs.spec;
    assert.strictEqual(headless.clusterIP, "None");
    assert.deepStrictEqual(headless.selector, frontendPods.podSelector.matchLabels);
    assert.deepStrictEqual(
      headless.ports.map((p: any) => p.port),
      [9090],
    );
    const config = YAML.parse(
      k8sNamed(run.resources, "kubernetes:core/v1:ConfigMap", "federation-prometheus-config").inputs.data[
        "prometheus.yml"
      ],
    );
    const job = config.scrape_configs.find((j: any) => j.job_name === QUERY_FRONTEND_SCRAPE_JOB);
    assert.deepStrictEqual(job.dns_sd_configs[0].names, ["thanos-query-frontend-pods.monitoring.svc"]);
    // Each file the job reads is a key of the Secret mounted where the job looks.
    const secret = k8sNamed(run.resources, "kubernetes:core/v1:Secret", "federation-prometheus-credentials");
    assert.ok(secret.secret, "the frontend's password reaches the federation as a Pulumi secret");
    const prometheus = federation.template.spec.containers.find((c: any) => c.name === "prometheus");
    for (const file of [job.basic_auth.password_file, job.tls_config.ca_file]) {
      const mount = prometheus.volumeMounts.find((m: any) => file.startsWith(`${m.mountPath}/`));
      assert.ok(mount, `${file} is mounted`);
      const volume = federation.template.spec.volumes.find((v: any) => v.name === mount.name);
      assert.strictEqual(
        volume.secret?.secretName,
        secret.inputs.metadata.name,
        `${file} comes from the federation's Secret`,
      );
      assert.ok(secret.inputs.stringData[file.slice(mount.mountPath.length + 1)], `the Secret holds ${file}`);
    }
    const policy = (name: string) =>
      k8sNamed(run.resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", name).inputs.spec;
    const port9090 = (rule: any) => rule.ports?.some((p: any) => p.port === 9090);
    assert.ok(
      policy("thanos-query-frontend").ingress.some(
        (r: any) => port9090(r) && r.from.some((p: any) => JSON.stringify(p) === JSON.stringify(federationPods)),
      ),
      "the frontend admits the federation",
    );
    assert.ok(
      policy("federation-prometheus").egress.some(
        (r: any) => port9090(r) && JSON.stringify(r.to) === JSON.stringify([frontendPods]),
      ),
      "the federation may reach the frontend pods",
    );
  });

  it("runs Grafana's unified alerting as one HA cluster: peers through a headless Service, gossip on 9094 TCP and UDP admitted from its peers", () => {
    const peers = k8sNamed(run.resources, "kubernetes:core/v1:Service", "grafana-alerting").inputs.spec;
    assert.strictEqual(peers.clusterIP, "None");
    assert.strictEqual(peers.publishNotReadyAddresses, true, "peers find each other while the database is down");
    assert.deepStrictEqual(
      peers.selector,
      k8sNamed(run.resources, "kubernetes:apps/v1:Deployment", "grafana").inputs.spec.selector.matchLabels,
    );
    assert.deepStrictEqual(peers.ports.map((p: any) => `${p.port}/${p.protocol}`).sort(), ["9094/TCP", "9094/UDP"]);
    const container = k8sNamed(run.resources, "kubernetes:apps/v1:Deployment", "grafana").inputs.spec.template.spec
      .containers[0];
    const names: string[] = container.env.map((e: any) => e.name);
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    assert.strictEqual(env.GF_UNIFIED_ALERTING_HA_PEERS, "grafana-alerting.monitoring.svc:9094");
    assert.strictEqual(env.GF_UNIFIED_ALERTING_HA_LISTEN_ADDRESS, "$(POD_IP):9094");
    assert.strictEqual(env.GF_UNIFIED_ALERTING_HA_ADVERTISE_ADDRESS, "$(POD_IP):9094");
    // Kubernetes expands $(POD_IP) only from variables defined earlier in the list.
    assert.deepStrictEqual(env.POD_IP, { fieldRef: { fieldPath: "status.podIP" } });
    assert.ok(names.indexOf("POD_IP") < names.indexOf("GF_UNIFIED_ALERTING_HA_ADVERTISE_ADDRESS"));
    assert.deepStrictEqual(
      container.ports
        .filter((p: any) => p.containerPort === 9094)
        .map((p: any) => p.protocol)
        .sort(),
      ["TCP", "UDP"],
    );
    const policy = k8sNamed(run.resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "grafana").inputs.spec;
    const grafanaPods = {
      podSelector: {
        matchLabels: k8sNamed(run.resources, "kubernetes:apps/v1:Deployment", "grafana").inputs.spec.selector
          .matchLabels,
      },
    };
    const gossip = [
      { protocol: "TCP", port: 9094 },
      { protocol: "UDP", port: 9094 },
    ];
    assert.deepStrictEqual(
      policy.ingress.find((rule: any) => rule.ports.some((p: any) => p.port === 9094)),
      { from: [grafanaPods], ports: gossip },
    );
    assert.deepStrictEqual(
      policy.egress.find((rule: any) => rule.ports?.some((p: any) => p.port === 9094)),
      { to: [grafanaPods], ports: gossip },
    );
  });

  it("reaches Grafana and Thanos Query through load balancers restricted to the configured ranges", () => {
    for (const name of ["grafana", "thanos-query-frontend"]) {
      const svc = k8sNamed(run.resources, "kubernetes:core/v1:Service", name);
      assert.strictEqual(svc.inputs.spec.type, "LoadBalancer");
      assert.deepStrictEqual(svc.inputs.spec.loadBalancerSourceRanges, ["203.0.113.0/24"]);
    }
    assert.match(run.outputs.thanosQueryUrl, /^https:\/\/192\.0\.2\.\d+:9090$/);
    assert.strictEqual(run.outputs.grafanaUrl, "https://grafana.example.com/");
  });

  it("denies all traffic in the namespace both ways, then admits each workload's flows from and to the pods that use them", () => {
    const policy = (name: string) =>
      k8sNamed(run.resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", name).inputs.spec;
    assert.deepStrictEqual(policy("default-deny"), { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    assert.deepStrictEqual(policy("allow-dns").egress[0].to[0].podSelector, { matchLabels: { "k8s-app": "kube-dns" } });
    const am = policy("alertmanager");
    const selects = (rule: any, name: string) =>
      rule[rule.from ? "from" : "to"].some((p: any) => p.podSelector?.matchLabels?.["app.kubernetes.io/name"] === name);
    assert.ok(
      am.ingress.some(
        (r: any) => selects(r, "alertmanager") && r.ports.some((p: any) => p.port === 9094 && p.protocol === "UDP"),
      ),
      "gossip from the peers only",
    );
    assert.ok(
      policy("federation-prometheus").ingress.every((r: any) => r.from.every((p: any) => p.podSelector)),
      "the federation Prometheus is reached from pods only",
    );
    assert.deepStrictEqual(policy("thanos-query-frontend").egress, [
      {
        to: [
          {
            podSelector: {
              matchLabels: k8sNamed(run.resources, "kubernetes:apps/v1:Deployment", "thanos-query").inputs.spec.selector
                .matchLabels,
            },
          },
        ],
        ports: [{ protocol: "TCP", port: 10902 }],
      },
      {
        to: [
          {
            podSelector: {
              matchLabels: k8sNamed(run.resources, "kubernetes:apps/v1:Deployment", "thanos-results-cache").inputs.spec
                .selector.matchLabels,
            },
          },
        ],
        ports: [{ protocol: "TCP", port: 11211 }],
      },
    ]);
    // The results cache is reached by the frontends alone and reaches nothing but DNS.
    const cache = policy("thanos-results-cache");
    assert.deepStrictEqual(cache.ingress, [
      {
        from: [
          {
            podSelector: {
              matchLabels: k8sNamed(run.resources, "kubernetes:apps/v1:Deployment", "thanos-query-frontend").inputs.spec
                .selector.matchLabels,
            },
          },
        ],
        ports: [{ protocol: "TCP", port: 11211 }],
      },
    ]);
    assert.deepStrictEqual(cache.egress, []);
    for (const name of [
      "alertmanager",
      "federation-prometheus",
      "thanos-query",
      "thanos-query-frontend",
      "thanos-results-cache",
      "grafana",
    ]) {
      const spec = policy(name);
      assert.deepStrictEqual(spec.policyTypes, ["Ingress", "Egress"], name);
      for (const rule of spec.egress) {
        for (const block of rule.to.filter((p: any) => p.ipBlock).map((p: any) => p.ipBlock)) {
          assert.ok(
            block.except?.some((c: string) => c.startsWith("169.254.169.254") || c.startsWith("fd00:ec2::254")),
            `${name}: ${JSON.stringify(block)} reaches instance metadata`,
          );
        }
      }
    }
  });

  it("every container has a pinned image, requests, a memory limit and a read-only, non-root root filesystem", () => {
    const workloads = [
      ...ofType(run.resources, "kubernetes:apps/v1:Deployment"),
      ...ofType(run.resources, "kubernetes:apps/v1:StatefulSet"),
    ];
    assert.strictEqual(workloads.length, 6);
    for (const w of workloads) {
      for (const c of w.inputs.spec.template.spec.containers) {
        assert.ok(Object.values(IMAGES).includes(c.image), `${w.name}: pinned image ${c.image}`);
        assert.ok(
          c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory,
          `${w.name}: resources`,
        );
        assert.strictEqual(c.securityContext.readOnlyRootFilesystem, true);
        assert.strictEqual(c.securityContext.runAsNonRoot, true);
      }
    }
  });

  it("keeps the URN every object had before the global parts became components, so `pulumi up` on a deployed stack moves it instead of replacing it", () => {
    const parts = run.placed.filter(
      (p) =>
        p.parent === run.monitoring &&
        p.resource instanceof pulumi.ComponentResource &&
        p.type !== "monitoring:global:RegionExposure",
    );
    assert.deepStrictEqual(parts.map((p) => p.type).sort(), [
      "monitoring:global:AlertmanagerMesh",
      "monitoring:global:AlertmanagerPeers",
      "monitoring:global:FederationPrometheus",
      "monitoring:global:GlobalCredentials",
      "monitoring:global:GlobalPki",
      "monitoring:global:Grafana",
      "monitoring:global:ResultsCache",
      "monitoring:global:ThanosQuery",
    ]);
    // The results cache was born a component: its objects never had another parent, so they have no alias.
    const partResources = new Set(
      parts.filter((p) => p.type !== "monitoring:global:ResultsCache").map((p) => p.resource),
    );
    const moved = run.placed.filter((p) => p.parent !== undefined && partResources.has(p.parent));
    // Beside ours, @pulumi/kubernetes adds aliases of its own (former API versions), which name no parent.
    const parentAliases = (p: Placed) =>
      ((p.aliases ?? []) as { parent?: pulumi.Resource }[]).filter((a) => a.parent !== undefined);
    for (const m of moved) {
      assert.ok(
        parentAliases(m).some((a) => a.parent === run.monitoring),
        `${m.type} ${m.name} is aliased to its former parent GlobalMonitoring`,
      );
    }
    // What used to be made directly by GlobalMonitoring, from each part: an alias that named a wrong parent, or a
    // part that renamed its objects, would leave one of these without its former URN.
    const formerUrns = moved.map((m) => `${m.type}::${m.name}`);
    for (const expected of [
      "kubernetes:apps/v1:StatefulSet::alertmanager",
      "kubernetes:core/v1:Service::alertmanager-0",
      "tls:index/locallySignedCert:LocallySignedCert::global-alertmanager-server-cert",
      "tls:index/privateKey:PrivateKey::global-ingress-ca-key",
      "tls:index/locallySignedCert:LocallySignedCert::global-alertmanager-ca-us-east",
      "random:index/randomPassword:RandomPassword::global-federation-alerting",
      "random:index/randomPassword:RandomPassword::global-query-frontend-query",
      "kubernetes:apps/v1:Deployment::thanos-query",
      "kubernetes:apps/v1:Deployment::thanos-query-frontend",
      "tls:index/certRequest:CertRequest::global-query-frontend-csr",
      "kubernetes:apps/v1:Deployment::grafana",
      "random:index/randomPassword:RandomPassword::grafana-admin",
      "kubernetes:apps/v1:StatefulSet::federation-prometheus",
    ])
      assert.ok(formerUrns.includes(expected), `${expected} keeps its URN`);
    assert.strictEqual(new Set(formerUrns).size, formerUrns.length, "no two moved objects claim one former URN");
    // The namespace, its policies, the exposures and the regions' targets files never moved, and are not aliased.
    const stayed = run.placed.filter((p) => p.parent === run.monitoring && !partResources.has(p.resource));
    assert.ok(stayed.some((p) => p.type === "kubernetes:core/v1:Namespace"));
    assert.ok(
      stayed.every((p) => parentAliases(p).length === 0),
      "objects GlobalMonitoring still makes itself keep their URNs without a parent alias",
    );
  });

  it("a third region adds its exposure, targets file, federation job, Query endpoints and datasource with no code change", async () => {
    const three = await deploy(["us-east", "eu-west", "ap-south"]);
    const targets = ofType(three.resources, "kubernetes:core/v1:ConfigMap").filter(
      (c) => c.inputs.metadata.name === "alertmanager-targets",
    );
    assert.strictEqual(targets.length, 3);
    assert.strictEqual(
      ofType(three.resources, "kubernetes:core/v1:Service").filter((s) => onProvider(s, "ap-south-cluster")).length,
      1,
    );
    const federation = k8sNamed(three.resources, "kubernetes:core/v1:ConfigMap", "federation-prometheus-config").inputs
      .data["prometheus.yml"];
    assert.match(federation, /job_name: federate-ap-south/);
    const endpoints = k8sNamed(three.resources, "kubernetes:core/v1:ConfigMap", "thanos-query-endpoints").inputs.data[
      "endpoints.yml"
    ];
    assert.match(endpoints, /server_name: thanos-store\.prometheus\.ap-south\.monitoring/);
    const datasources = k8sNamed(three.resources, "kubernetes:core/v1:ConfigMap", "grafana-provisioning").inputs.data[
      "datasources.yml"
    ];
    assert.match(datasources, /uid: region-ap-south/);
  });

  it("reaches a region on a cluster the user runs through a NodePort Service at a node's address, or through the user's own route to a ClusterIP Service", async () => {
    const run = await deploy(["us-east", "eu-west"], {
      "us-east": { type: "node-port", host: "10.20.0.5", federationPort: 30943, storeApiPort: 30901 },
      "eu-west": { type: "address", host: "monitoring.eu-west.example.com", federationPort: 443, storeApiPort: 8443 },
    });
    const serviceIn = (region: string) =>
      ofType(run.resources, "kubernetes:core/v1:Service").filter((s) => onProvider(s, `${region}-cluster`));
    const [nodePort] = serviceIn("us-east");
    assert.strictEqual(nodePort.inputs.metadata.name, "global-region-gateway");
    assert.strictEqual(nodePort.inputs.spec.type, "NodePort");
    assert.deepStrictEqual(
      nodePort.inputs.spec.ports.map((p: any) => [p.port, p.nodePort]),
      [
        [9090, 30943],
        [10901, 30901],
      ],
    );
    assert.strictEqual(
      nodePort.inputs.spec.externalTrafficPolicy,
      "Cluster",
      "the dialled node need not run a gateway pod",
    );
    const [clusterIp] = serviceIn("eu-west");
    assert.strictEqual(clusterIp.inputs.spec.type, "ClusterIP");
    assert.deepStrictEqual(clusterIp.inputs.spec.selector, { "app.kubernetes.io/name": "region-gateway" });

    const federation = k8sNamed(run.resources, "kubernetes:core/v1:ConfigMap", "federation-prometheus-config").inputs
      .data["prometheus.yml"];
    assert.match(federation, /10\.20\.0\.5:30943/);
    assert.match(federation, /monitoring\.eu-west\.example\.com:443\b/);
    const slices = ofType(run.resources, "kubernetes:discovery.k8s.io/v1:EndpointSlice").filter((s) =>
      s.inputs.metadata.name.startsWith("store-api-us-east-"),
    );
    assert.strictEqual(slices.length, 5, "2 shards x 2 replicas and the store gateways");
    for (const slice of slices) {
      assert.deepStrictEqual(slice.inputs.endpoints, [{ addresses: ["10.20.0.5"] }]);
      assert.deepStrictEqual(
        slice.inputs.ports.map((p: any) => p.port),
        [30901],
      );
    }
    const aliases = ofType(run.resources, "kubernetes:core/v1:Service").filter((s) =>
      s.inputs.metadata.name.startsWith("store-api-eu-west-"),
    );
    assert.ok(
      aliases.length > 0 && aliases.every((a) => a.inputs.spec.externalName === "monitoring.eu-west.example.com"),
    );
    const endpoints = k8sNamed(run.resources, "kubernetes:core/v1:ConfigMap", "thanos-query-endpoints").inputs.data[
      "endpoints.yml"
    ];
    assert.match(endpoints, /store-api-eu-west-thanos-store\.monitoring\.svc:8443/);
    assert.match(endpoints, /store-api-us-east-thanos-store\.monitoring\.svc:30901/);
  });
});
