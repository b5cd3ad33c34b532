/**
 * Reading a recorded stack the way a reviewer reads `pulumi preview --diff`: resources by type and by their
 * Kubernetes name, with secret inputs decrypted, and the config the stack was run with.
 */
import { loadProgramConfig } from "../../tiers/load-config";
import * as assert from "node:assert";
import * as YAML from "yaml";
import type { StackConfig } from "../../config";
import { rawConfigOf } from "../../config/stack-file";
import * as mocks from "../harness/mocks";
import { type ProgramRun, type RecordedResource, readStackFile } from "../harness/program";
import { TEST_SECRETS } from "../harness/stacks";

export interface Resource extends RecordedResource {
  /** The inputs with secrets decrypted. */
  readonly args: Record<string, any>;
}

const withArgs = (r: RecordedResource): Resource => ({ ...r, args: mocks.revealed(r.inputs) });

/** The objects of a type the stack manages (not those it only reads, see `reads`). */
export function ofType(run: ProgramRun, type: string): Resource[] {
  return mocks
    .ofType(run.resources, type)
    .filter((r) => r.readId === undefined)
    .map(withArgs);
}

/** The objects the stack reads from the cloud or a cluster (`get`), which it does not manage. */
export function reads(run: ProgramRun): RecordedResource[] {
  return run.resources.filter((r) => r.readId !== undefined);
}

/** The one resource of a type the stack has. */
export function only(run: ProgramRun, type: string): Resource {
  return withArgs(mocks.one(run.resources, type));
}

/** The `cluster.apiAllowedCidrs` a stack file lists, as the user wrote them. */
export function stackFileApiCidrs(stack: string): string[] {
  return (readStackFile(stack).cluster as { apiAllowedCidrs: string[] }).apiAllowedCidrs;
}

/** The one resource of a type with the given Pulumi name. */
export function named(run: ProgramRun, type: string, name: string): Resource {
  return withArgs(mocks.named(run.resources, type, name));
}

export const K8S = {
  configMap: "kubernetes:core/v1:ConfigMap",
  secret: "kubernetes:core/v1:Secret",
  service: "kubernetes:core/v1:Service",
  serviceAccount: "kubernetes:core/v1:ServiceAccount",
  namespace: "kubernetes:core/v1:Namespace",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  deployment: "kubernetes:apps/v1:Deployment",
  daemonSet: "kubernetes:apps/v1:DaemonSet",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
} as const;

/** Kubernetes objects of one type by `metadata.name`, in the given namespace. */
export function k8sObject(run: ProgramRun, type: string, name: string, namespace = "monitoring"): Resource {
  const found = ofType(run, type).filter(
    (r) => r.args.metadata?.name === name && r.args.metadata?.namespace === namespace,
  );
  assert.strictEqual(found.length, 1, `expected one ${type} '${namespace}/${name}', found ${found.length}`);
  return found[0];
}

/** StatefulSets and Deployments: every workload that runs a set number of pods. */
export function workloads(run: ProgramRun): Resource[] {
  return [...ofType(run, K8S.statefulSet), ...ofType(run, K8S.deployment)];
}

export function containers(workload: Resource): any[] {
  return workload.args.spec.template.spec.containers;
}

/** The value of `--flag=value` in a container's args. */
export function flag(args: readonly string[], name: string): string | undefined {
  const found = args.find((a) => a.startsWith(`--${name}=`));
  return found?.slice(name.length + 3);
}

/** The file `key` of a ConfigMap or Secret, parsed as YAML (JSON is YAML too). */
export function fileOf(object: Resource, key: string): any {
  const data = object.args.data ?? object.args.stringData;
  assert.ok(data && typeof data[key] === "string", `${object.name} has no file '${key}'`);
  return YAML.parse(data[key]);
}

/**
 * Every custom resource names its provider, none is left to an ambient default provider (whose credentials
 * and region come from whoever runs `pulumi up`). Components and providers themselves have none.
 */
export function assertExplicitProviders(run: ProgramRun): void {
  const custom = run.resources.filter(
    (r) => !r.type.startsWith("monitoring:") && !r.type.startsWith("pulumi:providers:"),
  );
  assert.ok(custom.length > 0);
  const onDefault = custom
    .filter((r) => !r.provider || r.provider.includes("::default"))
    .map((r) => `${r.type} ${r.name}`);
  assert.deepStrictEqual(onDefault, [], "resources on a default provider");
}

/** The `<package>/<name>` of the provider a resource was created with (`pulumi:providers:<package>::<name>`). */
export function providerOf(resource: RecordedResource): string | undefined {
  const match = /pulumi:providers:([^:]+)::([^:]+)::/.exec(resource.provider ?? "");
  return match ? `${match[1]}/${match[2]}` : undefined;
}

/** A stack file's config (or the config given instead) as the program reads it: typed, with defaults. */
export function configOf(
  stack: string,
  override?: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): StackConfig {
  const raw = { ...(override ?? readStackFile(stack)), ...TEST_SECRETS[stack], ...extra };
  return loadProgramConfig(stack, rawConfigOf(raw, Object.keys(TEST_SECRETS[stack] ?? {})));
}

/**
 * Whether `resource` is created only after `target`, as the engine orders them: a resource registers once
 * its dependencies are created and its parent has registered, which in turn waited for its own.
 */
export function createdAfter(run: ProgramRun, resource: RecordedResource, target: RecordedResource): boolean {
  const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
  const seen = new Set<string>();
  const pending = [resource.urn];
  while (pending.length > 0) {
    const current = byUrn.get(pending.pop()!);
    if (!current || seen.has(current.urn)) continue;
    seen.add(current.urn);
    for (const next of [...current.dependencies, ...(current.parent ? [current.parent] : [])]) {
      if (next === target.urn) return true;
      pending.push(next);
    }
  }
  return false;
}
