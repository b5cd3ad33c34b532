import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MONITORING_NAMESPACE, NAMES } from "../../builders/regional/layout";
import type { CredentialFile, CredentialSource } from "../../builders/teams/credentials";

export interface TeamCredentialsArgs {
  /** The stack, for the message when a key is missing. */
  readonly stack: string;
  /** Every key the teams' endpoints read (teamCredentialFiles), at least one. */
  readonly files: readonly CredentialFile[];
  /** Provider of the region's cluster: the objects are read there. */
  readonly provider: k8s.Provider;
  readonly labels: Record<string, string>;
}

const KIND = { secret: "Secret", configMap: "ConfigMap" } as const;

/**
 * The teams' credentials and TLS material in the monitoring namespace. Pulumi reads every Secret and
 * ConfigMap the teams' endpoints name, in their monitors' namespaces and through the cluster's provider, and
 * copies the keys they name into one Secret that the Prometheus pods mount read-only. The regional Prometheus
 * cannot mount another namespace's Secret, and reading them itself would take a cluster-wide `get` on
 * Secrets; this way its ClusterRole stays what its discovery needs and the copy is as secret as the originals
 * (Pulumi keeps every value as a secret).
 */
export class TeamCredentials extends pulumi.ComponentResource {
  readonly secretName: string = NAMES.teamCredentialsSecret;

  constructor(name: string, args: TeamCredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:regional:TeamCredentials", name, {}, opts);
    const readOpts: pulumi.CustomResourceOptions = { parent: this, provider: args.provider };
    // One read per object, whatever number of its keys the endpoints use.
    const objects = new Map<string, pulumi.Output<Record<string, string>>>();
    const dataOf = (source: CredentialSource) => {
      const id = `${source.namespace}/${source.name}`;
      const at = `${source.kind}:${id}`;
      if (!objects.has(at))
        objects.set(
          at,
          readData(source.kind, `team-${source.kind.toLowerCase()}-${source.namespace}-${source.name}`, id, readOpts),
        );
      return objects.get(at)!;
    };
    const entries = args.files.map((file) =>
      dataOf(file.source).apply((data): [string, string] => {
        const value = data[file.source.key];
        if (value === undefined) {
          // A RunError: the CLI prints its sentence alone, as it does the config's.
          throw new pulumi.RunError(
            `stack '${args.stack}': ${KIND[file.source.kind]} '${file.source.namespace}/${file.source.name}' has no key '${file.source.key}', which ${file.usedBy} reads ` +
              `(its keys: ${Object.keys(data).sort().join(", ") || "none"})`,
          );
        }
        return [file.fileName, value];
      }),
    );
    new k8s.core.v1.Secret(
      this.secretName,
      {
        metadata: { name: this.secretName, namespace: MONITORING_NAMESPACE, labels: args.labels },
        type: "Opaque",
        data: pulumi.secret(pulumi.all(entries).apply((pairs) => Object.fromEntries(pairs))),
      },
      { parent: this, provider: args.provider },
    );
    this.registerOutputs({ secretName: this.secretName });
  }
}

/** The object's data as a Secret's `data` holds it (base64), read from the cluster; a ConfigMap's text is encoded here. */
function readData(
  kind: CredentialSource["kind"],
  name: string,
  id: string,
  opts: pulumi.CustomResourceOptions,
): pulumi.Output<Record<string, string>> {
  if (kind === "secret") {
    return pulumi.secret(k8s.core.v1.Secret.get(name, id, opts).data.apply((data) => ({ ...(data ?? {}) })));
  }
  const configMap = k8s.core.v1.ConfigMap.get(name, id, opts);
  return pulumi.all([configMap.data, configMap.binaryData]).apply(([data, binary]) => ({
    ...Object.fromEntries(
      Object.entries(data ?? {}).map(([key, text]) => [key, Buffer.from(text, "utf8").toString("base64")]),
    ),
    ...(binary ?? {}),
  }));
}
