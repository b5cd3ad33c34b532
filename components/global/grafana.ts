import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { GRAFANA, serviceHost } from "../../builders/global/layout";
import { SECRET_FILES } from "../../builders/global/secrets";
import { grafanaEnv } from "../../builders/grafana/settings";
import { CLIENT_SECRET_ENV } from "../../builders/grafana/sso";
import type { GrafanaSettings } from "../../config/types";
import type { PostgresDatabase } from "../cloud/types";
import { DEFAULTS } from "../../config/defaults";
import { IMAGES } from "../../versions";
import { type CertificateAuthority, signedCertificate, subjectNames } from "../pki";
import {
  type Workload,
  autoscaler,
  configChecksum,
  container,
  disruptionBudget,
  featureVolumes,
  fieldEnv,
  gossipPorts,
  gossipServicePorts,
  httpProbe,
  loadBalancer,
  loadBalancerServiceAddress,
  metadata,
  mountedFiles,
  movedChildOpts,
  podBasics,
  scratch,
  TMP_SIZE,
  tlsSecret,
} from "../workload";
import { type GlobalPartArgs, globalWorkload } from "./part";
import { type TeamDashboardFiles, teamDashboardFeatures } from "./team-dashboards";

/** Grafana's image runs as this user; its data directory belongs to it. */
const GRAFANA_UID = 472;
const HTTPS_PORT = 443;
const GRAFANA_DATA_DIR = "/var/lib/grafana";
const GRAFANA_DATA_SIZE = "256Mi";

export interface GrafanaArgs extends GlobalPartArgs {
  readonly settings: GrafanaSettings;
  readonly database: PostgresDatabase;
  /** datasources.yml and dashboards.yml. */
  readonly provisioning: pulumi.Output<Record<string, string>>;
  /** Dashboard JSON files by name. */
  readonly dashboards: pulumi.Output<Record<string, string>>;
  /** The teams' dashboards, each team's in its own folder (dashboards.yml has their providers). */
  readonly teamDashboards: readonly TeamDashboardFiles[];
  /** Every load balancer of the stack carries these (builders/global/load-balancer.ts). */
  readonly loadBalancerAnnotations: Readonly<Record<string, string>>;
  /** The only addresses its load balancer admits. */
  readonly allowedCidrs: readonly string[];
  /** Signs its server certificate; Grafana trusts it for the Query Frontend too. */
  readonly ingressCa: CertificateAuthority;
  /** Grafana's basic-auth password for the Query Frontend, which its Thanos datasource reads from a file. */
  readonly queryFrontendPassword: pulumi.Input<string>;
  /** The OAuth client secret, exactly when `settings.sso` is set. */
  readonly ssoClientSecret?: pulumi.Input<string>;
}

const OAUTH_CLIENT_SECRET = "oauth-client-secret";

/**
 * The replicas' unified-alerting peer list: a headless Service (its name resolves to every replica's
 * address), published before the pods are ready, since readiness follows the database and gossip must not.
 */
function alertingPeers(w: Workload): k8s.core.v1.Service {
  const port = GRAFANA.alertingPort;
  return new k8s.core.v1.Service(
    `${w.id.name}-alerting`,
    {
      metadata: metadata(w, GRAFANA.alertingPeersService),
      spec: {
        clusterIP: "None",
        publishNotReadyAddresses: true,
        selector: w.selector,
        ports: gossipServicePorts("gossip", port),
      },
    },
    w.opts,
  );
}

/**
 * HA Grafana: at least three replicas sharing the managed Postgres (users, dashboards and login sessions all
 * live there, so any replica serves any user), spread over zones, admin password generated and kept in a
 * Secret, provisioning and dashboards from code. Every replica evaluates Grafana-managed alert rules; the
 * replicas gossip as one unified-alerting cluster (Grafana's HA setup on Kubernetes), so a notification is
 * sent once and a silence holds on all of them.
 */
export class Grafana extends pulumi.ComponentResource {
  /** Address of Grafana's load balancer, restricted to the configured ranges; TLS ends in the pods. */
  readonly address: pulumi.Output<string>;
  /** Secret. */
  readonly adminPassword: pulumi.Output<string>;
  /** When Grafana's server certificate expires (RFC 3339). */
  readonly certificateEnd: pulumi.Output<string>;

  constructor(name: string, a: GrafanaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:global:Grafana", name, {}, opts);
    if ((a.settings.sso === undefined) !== (a.ssoClientSecret === undefined))
      throw new Error("Grafana: an OAuth client secret is given exactly when single sign-on is configured");
    const w = globalWorkload(this, a, opts);
    const moved = movedChildOpts(this, opts?.parent);
    const lb = loadBalancer(
      w.id.name,
      metadata(w),
      {
        name: GRAFANA.service,
        annotations: a.loadBalancerAnnotations,
        selector: w.selector,
        ports: [{ name: "https", port: HTTPS_PORT, targetPort: GRAFANA.port }],
        sourceRanges: [...a.allowedCidrs],
      },
      w.opts,
    );
    this.address = loadBalancerServiceAddress(lb, "Grafana");
    const cert = signedCertificate(
      `${name}-grafana`,
      "server",
      { commonName: a.settings.domain },
      subjectNames(
        [a.settings.domain, serviceHost(GRAFANA.service)],
        this.address.apply((address) => [address]),
      ),
      a.ingressCa,
      moved,
    );
    const admin = new random.RandomPassword(`${w.id.name}-admin`, { length: 32, special: false }, moved);
    const secrets = grafanaSecrets(w, a, admin.result);
    const files = mountedConfig(w, a, cert, secrets);
    alertingPeers(w);
    new k8s.apps.v1.Deployment(
      w.id.name,
      {
        metadata: metadata(w),
        spec: {
          // No replicas: the autoscaler owns the count, and a declared one would be applied again on every update.
          selector: { matchLabels: w.selector },
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          template: {
            metadata: { labels: w.labels, annotations: { "monitoring/config-checksum": files.checksum } },
            spec: {
              ...podBasics(w, GRAFANA_UID),
              containers: [grafanaContainer(a, secrets, files.features)],
              volumes: featureVolumes(files.features),
            },
          },
        },
      },
      w.opts,
    );
    disruptionBudget(w);
    autoscaler(w, a.settings);
    this.adminPassword = pulumi.secret(admin.result);
    this.certificateEnd = cert.validityEndTime;
    this.registerOutputs({
      address: this.address,
      adminPassword: this.adminPassword,
      certificateEnd: this.certificateEnd,
    });
  }
}

/** The admin, database and datasource passwords, and the OAuth client secret where single sign-on is on. */
function grafanaSecrets(w: Workload, a: GrafanaArgs, adminPassword: pulumi.Output<string>): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(
    `${w.id.name}-secrets`,
    {
      metadata: metadata(w, `${w.id.name}-secrets`),
      stringData: {
        "admin-password": adminPassword,
        "database-password": pulumi.secret(a.database.password),
        [SECRET_FILES.queryFrontendPassword]: pulumi.secret(a.queryFrontendPassword),
        ...(a.ssoClientSecret === undefined ? {} : { [OAUTH_CLIENT_SECRET]: pulumi.secret(a.ssoClientSecret) }),
      },
    },
    w.opts,
  );
}

/**
 * What the pods mount: provisioning, the dashboards (the teams' each in its folder), TLS, the datasource's
 * password and scratch space; and the checksum that rolls the pods when any of it changes.
 */
function mountedConfig(
  w: Workload,
  a: GrafanaArgs,
  cert: ReturnType<typeof signedCertificate>,
  secrets: k8s.core.v1.Secret,
) {
  const configMap = (suffix: string, data: pulumi.Output<Record<string, string>>) =>
    new k8s.core.v1.ConfigMap(
      `${w.id.name}-${suffix}`,
      { metadata: metadata(w, `${w.id.name}-${suffix}`), data },
      w.opts,
    );
  const tls = tlsSecret(w, cert, a.ingressCa.certPem);
  const provisioning = configMap("provisioning", a.provisioning);
  const dashboards = configMap("dashboards", a.dashboards);
  const teams = teamDashboardFeatures(w, a.teamDashboards);
  const features = [
    mountedFiles("provisioning", GRAFANA.provisioningDir, {
      configMap: {
        name: provisioning.metadata.name,
        items: [
          { key: "datasources.yml", path: "datasources/datasources.yml" },
          { key: "dashboards.yml", path: "dashboards/dashboards.yml" },
        ],
      },
    }),
    mountedFiles("dashboards", GRAFANA.dashboardsDir, { configMap: { name: dashboards.metadata.name } }),
    ...teams.features,
    mountedFiles("tls", GRAFANA.tlsDir, { secret: { secretName: tls.metadata.name } }),
    // Only the datasource password: the admin and database passwords stay environment variables.
    mountedFiles("datasource-secrets", GRAFANA.secretsDir, {
      secret: {
        secretName: secrets.metadata.name,
        items: [{ key: SECRET_FILES.queryFrontendPassword, path: SECRET_FILES.queryFrontendPassword }],
      },
    }),
    // Dashboards, users and alert state live in Postgres; the data directory keeps only what Grafana
    // caches or renders locally (no plugins are installed).
    scratch("data", GRAFANA_DATA_DIR, GRAFANA_DATA_SIZE),
    scratch("tmp", "/tmp", TMP_SIZE),
  ];
  const checksum = configChecksum(
    a.provisioning.apply((p) => JSON.stringify(p)),
    a.dashboards.apply((d) => JSON.stringify(d)),
    teams.contents,
    cert.certPem,
  );
  return { features, checksum };
}

/** Grafana's settings from the builder (grafanaEnv), its secrets from its Secret, and its probes. */
function grafanaContainer(
  a: GrafanaArgs,
  secrets: k8s.core.v1.Secret,
  features: Parameters<typeof container>[0]["features"],
) {
  const fromSecret = (name: string, key: string) => ({
    name,
    valueFrom: { secretKeyRef: { name: secrets.metadata.name, key } },
  });
  const https = (path: string, failureThreshold?: number) =>
    httpProbe(path, GRAFANA.port, { scheme: "HTTPS", failureThreshold });
  const settings = grafanaEnv({
    port: GRAFANA.port,
    certFile: `${GRAFANA.tlsDir}/${SECRET_FILES.tlsCert}`,
    keyFile: `${GRAFANA.tlsDir}/${SECRET_FILES.tlsKey}`,
    domain: a.settings.domain,
    database: {
      host: pulumi.interpolate`${a.database.host}:${a.database.port}`,
      name: a.database.databaseName,
      user: a.database.username,
    },
    provisioningDir: GRAFANA.provisioningDir,
    dataDir: GRAFANA_DATA_DIR,
    alertingPeers: `${serviceHost(GRAFANA.alertingPeersService)}:${GRAFANA.alertingPort}`,
    alertingAddress: `$(POD_IP):${GRAFANA.alertingPort}`,
    sso: a.settings.sso,
  });
  return container({
    name: "grafana",
    image: IMAGES.grafana,
    args: [],
    env: [
      // Before the variables that expand it.
      fieldEnv("POD_IP", "status.podIP"),
      ...Object.entries(settings).map(([name, value]) => ({ name, value })),
      fromSecret("GF_SECURITY_ADMIN_PASSWORD", "admin-password"),
      fromSecret("GF_DATABASE_PASSWORD", "database-password"),
      ...(a.settings.sso === undefined ? [] : [fromSecret(CLIENT_SECRET_ENV, OAUTH_CLIENT_SECRET)]),
    ],
    ports: [{ name: "https", containerPort: GRAFANA.port }, ...gossipPorts("gossip", GRAFANA.alertingPort)],
    resources: DEFAULTS.grafana.resources,
    features,
    probes: {
      // /api/health fails while Postgres is unreachable: it takes a replica out of the load balancer,
      // and must never restart all of them through a database failover.
      readiness: https("/api/health"),
      // /healthz answers as long as the web server runs, database or not.
      liveness: https("/healthz", 6),
      // The first start migrates the database schema before the web server listens: up to 10 minutes.
      startup: https("/healthz", 60),
    },
  });
}
