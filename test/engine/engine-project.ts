/**
 * The engine tests' world: one local control plane per cluster (KWOK nodes, a load-balancer stand-in), a
 * project directory with the program's Pulumi.yaml and kubernetes-platform stack files whose secrets are set
 * through the CLI, a file backend and the local plugins. Everything lives in one temporary directory.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { findBinary } from "../../local/binaries";
import { type ControlPlane, startControlPlane } from "../../local/engine/control-plane";
import { KubeApi } from "../../local/engine/kube-api";
import { LoadBalancerStandIn } from "../../local/engine/load-balancer-stand-in";
import { localPluginEnv } from "../../local/engine/local-plugins";
import { type EngineSettings, openStack } from "../../local/engine/workspace";
import { PortAllocator } from "../../local/ports";
import { controlPlaneTools } from "../support/engine-binaries";
import { e2eBasePort } from "../support/ports";
import { tempDir } from "../support/tools";

const REPO = path.resolve(__dirname, "../../..");
/** How the file backend names a stack of this project to another stack's StackReference. */
export const qualified = (stack: string) => `organization/monitoring/${stack}`;

/** Resources a stack holds without making anything: its root, and the built-in provider StackReferences read through. */
const READ_ONLY_TYPES = ["pulumi:pulumi:Stack", "pulumi:providers:pulumi"];

export interface EngineCluster {
  readonly name: string;
  readonly controlPlane: ControlPlane;
  readonly api: KubeApi;
  readonly loadBalancers: LoadBalancerStandIn;
}

export class EngineProject {
  readonly dir = tempDir("engine-");
  readonly projectDir = path.join(this.dir, "project");
  readonly settings: EngineSettings;
  private readonly clusters = new Map<string, EngineCluster>();
  private readonly ports = new PortAllocator(e2eBasePort(17443));

  constructor() {
    fs.mkdirSync(this.projectDir);
    // The repository's project file but its `main`: the program runs inline, from this process's build.
    const project = YAML.parse(fs.readFileSync(path.join(REPO, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
    delete project.main;
    fs.writeFileSync(path.join(this.projectDir, "Pulumi.yaml"), YAML.stringify(project));
    for (const sub of ["state", "home"]) fs.mkdirSync(path.join(this.dir, sub));
    this.settings = {
      projectDir: this.projectDir,
      pulumiCli: findBinary("pulumi"),
      env: {
        ...localPluginEnv(path.join(this.dir, "plugins")),
        PULUMI_BACKEND_URL: `file://${path.join(this.dir, "state")}`,
        PULUMI_CONFIG_PASSPHRASE: "engine-tests",
        PULUMI_HOME: path.join(this.dir, "home"),
      },
    };
  }

  /** Starts a cluster's control plane, whose load balancers get `address` (a documentation-range IP). */
  async startCluster(name: string, address: string): Promise<EngineCluster> {
    const controlPlane = await startControlPlane({
      ...controlPlaneTools(),
      ports: this.ports,
      log: (line) => console.log(`    [${name}] ${line}`),
    });
    const api = new KubeApi(controlPlane.admin);
    const loadBalancers = new LoadBalancerStandIn(api, address);
    loadBalancers.start();
    const cluster = { name, controlPlane, api, loadBalancers };
    this.clusters.set(name, cluster);
    return cluster;
  }

  cluster(name: string): EngineCluster {
    return this.clusters.get(name)!;
  }

  /** Writes Pulumi.<stack>.yaml with `config` (keys without the project prefix) and sets `secrets` as secrets. */
  async writeStack(stack: string, config: Record<string, unknown>, secrets: Record<string, string>): Promise<void> {
    const doc = {
      config: Object.fromEntries(Object.entries(config).map(([key, value]) => [`monitoring:${key}`, value])),
    };
    fs.writeFileSync(this.stackFile(stack), YAML.stringify(doc));
    const handle = await openStack(stack, this.settings, async () => ({}));
    for (const [key, value] of Object.entries(secrets)) await handle.setConfig(key, { value, secret: true });
  }

  /** Changes keys of a stack file, keeping its secrets. */
  editStack(stack: string, change: (config: Record<string, unknown>) => void): void {
    const doc = YAML.parse(fs.readFileSync(this.stackFile(stack), "utf8")) as { config: Record<string, unknown> };
    const plain = Object.fromEntries(
      Object.entries(doc.config).map(([key, value]) => [key.replace(/^monitoring:/, ""), value]),
    );
    change(plain);
    doc.config = Object.fromEntries(Object.entries(plain).map(([key, value]) => [`monitoring:${key}`, value]));
    fs.writeFileSync(this.stackFile(stack), YAML.stringify(doc));
  }

  /**
   * The resources the backend holds that the stack made: not its root resource, which the engine registers
   * first, nor what it only read (StackReferences, through the engine's built-in provider).
   */
  async resourceCount(stack: string): Promise<number> {
    const state = (await (await openStack(stack, this.settings, async () => ({}))).exportStack()).deployment as {
      resources?: { type: string; external?: boolean }[];
    };
    return (state.resources ?? []).filter((r) => !r.external && !READ_ONLY_TYPES.includes(r.type)).length;
  }

  /**
   * A copy of the compiled program as a user's next release of it would be: `versions.js` with `change`
   * applied (a new pinned image, say). Its orchestrator forks its own stack runner, which loads this copy.
   */
  upgradedProgram(change: (versions: string) => string): typeof import("../../local/engine/orchestrator") {
    const root = path.join(this.dir, "upgraded-program");
    const bin = path.join(root, "bin");
    fs.cpSync(path.join(REPO, "bin"), bin, {
      recursive: true,
      filter: (from) => from !== path.join(REPO, "bin", "test"),
    });
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(root, "node_modules"));
    const versions = path.join(bin, "versions.js");
    const before = fs.readFileSync(versions, "utf8");
    const after = change(before);
    if (after === before) throw new Error("the upgrade changes nothing in versions.js");
    fs.writeFileSync(versions, after);
    return require(
      path.join(bin, "local", "engine", "orchestrator.js"),
    ) as typeof import("../../local/engine/orchestrator");
  }

  async stop(): Promise<void> {
    for (const cluster of this.clusters.values()) {
      await cluster.loadBalancers.stop();
      cluster.api.close();
      await cluster.controlPlane.stop();
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private stackFile(stack: string): string {
    return path.join(this.projectDir, `Pulumi.${stack}.yaml`);
  }
}

/** A regional stack on a cluster the user runs, its bucket on an S3-compatible store. */
export function regionalStackConfig(region: string): Record<string, unknown> {
  return {
    tier: "regional",
    cloud: "kubernetes",
    region,
    prometheus: { replicas: 2, shards: 1, retention: "24h" },
    expectedLoad: { targets: 50, seriesPerTarget: 500 },
    kubernetes: {
      storageClass: "standard",
      egressCidrs: ["198.51.100.0/24"],
      bucket: { type: "s3", name: `${region}-thanos`, endpoint: "s3.example.internal:9000", insecure: true },
    },
  };
}

export const REGIONAL_SECRETS = (cluster: EngineCluster): Record<string, string> => ({
  kubeconfig: cluster.controlPlane.kubeconfig,
  bucketAccessKey: "engine-test-access-key",
  bucketSecretKey: "engine-test-secret-key",
});

/** The global stack over `regions`, on a cluster the user runs, Grafana on an existing PostgreSQL. */
export function globalStackConfig(regions: readonly string[]): Record<string, unknown> {
  return {
    tier: "global",
    cloud: "kubernetes",
    region: "global",
    regions: regions.map(qualified),
    ingressAllowedCidrs: ["203.0.113.0/24"],
    grafana: {
      domain: "grafana.example.com",
      sso: {
        clientId: "grafana",
        secretKey: "grafanaClientSecret",
        authUrl: "https://idp.example.com/oauth2/v1/authorize",
        tokenUrl: "https://idp.example.com/oauth2/v1/token",
        userInfoUrl: "https://idp.example.com/oauth2/v1/userinfo",
        roles: { "platform-admins": "Admin", sre: "Editor" },
      },
    },
    alerting: { receivers: [{ name: "oncall", type: "webhook", secretKey: "oncallUrl" }] },
    kubernetes: {
      storageClass: "standard",
      egressCidrs: ["198.51.100.0/24"],
      database: { host: "postgres.example.internal" },
    },
  };
}

/** The global stack's Grafana OAuth client secret, set with `pulumi config set --secret`. */
export const ENGINE_OAUTH_CLIENT_SECRET = "engine-test-oauth-client-secret";

export const GLOBAL_SECRETS = (cluster: EngineCluster): Record<string, string> => ({
  kubeconfig: cluster.controlPlane.kubeconfig,
  databasePassword: "engine-test-database-password",
  oncallUrl: "https://hooks.example.com/oncall",
  grafanaClientSecret: ENGINE_OAUTH_CLIENT_SECRET,
});
