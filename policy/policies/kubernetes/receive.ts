import { failing } from "../../lib/known";
import { commandLine, flagValue, podTemplate, thanosComponent, WORKLOAD_TYPES } from "../../lib/k8s";
import { propertyPolicy } from "../../lib/policy";

/** Thanos' own default when the flag is absent (cmd/thanos/receive.go). */
const DEFAULT_REPLICATION_FACTOR = 1;

/** A Receive that takes part in a hashring (it routes writes to its pods), as opposed to a lone ingestor. */
function inHashring(line: readonly string[]): boolean {
  return (
    flagValue(line, "--receive.hashrings-file") !== undefined || flagValue(line, "--receive.hashrings") !== undefined
  );
}

/**
 * A Thanos Receive hashring writes each sample to `--receive.replication-factor` pods. With fewer than 3 (Thanos'
 * default is 1), losing or restarting one pod loses the samples only it held, or refuses writes while it is
 * gone (a quorum of 2 needs both of 2). A hashring whose own pods are fewer than the factor cannot write at all.
 */
export const receiveReplication = propertyPolicy<{ minReplicationFactor: number }>({
  name: "k8s-receive-replication",
  description:
    "Thanos Receive in a hashring replicates every sample to at least 3 pods (--receive.replication-factor), and a workload of router-ingestor pods runs at least that many.",
  types: WORKLOAD_TYPES,
  configSchema: { properties: { minReplicationFactor: { type: "integer", minimum: 3, default: 3 } } },
  violations: (props, { minReplicationFactor }, args) => {
    const template = podTemplate(args.type, props);
    const receivers = (template?.spec.containers ?? []).filter((c: any) => thanosComponent(c) === "receive");
    return failing(
      receivers.map((container: any) => () => {
        const line = commandLine(container);
        if (!inHashring(line)) return undefined;
        const given = flagValue(line, "--receive.replication-factor");
        const factor = given === undefined ? DEFAULT_REPLICATION_FACTOR : Number(given);
        if (!Number.isInteger(factor) || factor < minReplicationFactor)
          return `container '${container.name}' runs thanos receive in a hashring with a replication factor of ${given ?? `${DEFAULT_REPLICATION_FACTOR} (the default)`}: at least ${minReplicationFactor} are required, so losing a pod loses no sample`;
        const replicas = props.spec?.replicas;
        const ingests = flagValue(line, "--receive.local-endpoint") !== undefined;
        if (ingests && typeof replicas === "number" && replicas < factor)
          return `container '${container.name}' writes each sample to ${factor} Receive pods, but its workload runs ${replicas}: at least ${factor} are required`;
        return undefined;
      }),
    );
  },
});
