/**
 * The program's resource graph as the main project's harness dumps it (`node bin/test/harness/dump-graph.js
 * <stack> <outfile>`: type, name, urn, inputs, state, provider reference), turned into what the engine
 * would hand the policies: inputs to resource policies, outputs (state) to stack policies, providers and
 * property dependencies resolved.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { FakeResource } from "./engine";

export interface DumpedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly id?: string;
  readonly inputs: Record<string, any>;
  readonly state: Record<string, any>;
  /** Provider reference: `<provider urn>::<provider id>`. */
  readonly provider?: string;
  readonly parent?: string;
  /** Set on an object the program only reads (`get`): the engine runs no policy on reads. */
  readonly readId?: string;
}

export interface DumpedGraph {
  readonly stack: string;
  readonly resources: DumpedResource[];
}

/** The repository root: policy/bin/test -> policy/bin -> policy -> root. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
export const DUMP_SCRIPT = path.join(REPO_ROOT, "bin", "test", "harness", "dump-graph.js");

/**
 * Runs the program of one stack under mocks in a child process and reads the graph it dumps: as the stack
 * file says, or with the harness's run options (extra config, objects already in the cluster) from a JSON
 * file of the main project.
 */
export function dumpStack(stack: string, runOptionsFile?: string): DumpedGraph {
  if (!fs.existsSync(DUMP_SCRIPT))
    throw new Error(`${DUMP_SCRIPT} is missing: build the main project first (npx tsc -p . at the repository root)`);
  if (runOptionsFile !== undefined) {
    try {
      const input = fs.readFileSync(path.join(REPO_ROOT, runOptionsFile), "utf8");
      return JSON.parse(
        execFileSync(process.execPath, [DUMP_SCRIPT, stack, "-"], {
          cwd: REPO_ROOT,
          input,
          encoding: "utf8",
          stdio: ["pipe", "pipe", "pipe"],
          maxBuffer: 64 * 1024 * 1024,
        }),
      ) as DumpedGraph;
    } catch (err: any) {
      throw new Error(
        `dumping stack '${stack}' with ${runOptionsFile} failed: ${err.stderr?.toString() || err.message}`,
      );
    }
  }
  const outfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "policy-graph-")), `${stack}.json`);
  try {
    execFileSync(process.execPath, [DUMP_SCRIPT, stack, outfile], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "ignore", "pipe"],
      maxBuffer: 64 * 1024 * 1024,
    });
    return JSON.parse(fs.readFileSync(outfile, "utf8")) as DumpedGraph;
  } catch (err: any) {
    throw new Error(`dumping stack '${stack}' failed: ${err.stderr?.toString() || err.message}`);
  } finally {
    fs.rmSync(path.dirname(outfile), { recursive: true, force: true });
  }
}

/** The harness's mocks answer every resource's id as `<name>-id` when the dump does not record it. */
function idOf(resource: DumpedResource): string {
  return resource.id ?? `${resource.name}-id`;
}

/**
 * The engine records which resources each input came from; the mocks do not, so an input whose value is
 * another resource's id (a bucket's id passed as `bucket`) is taken to depend on that resource.
 */
function propertyDependencies(resource: DumpedResource, urnsById: Map<string, string[]>): Record<string, string[]> {
  const dependencies: Record<string, string[]> = {};
  for (const [property, value] of Object.entries(resource.inputs)) {
    // Resources of one name share a mocked id (a bucket and its companions): each may be the source.
    const urns = (typeof value === "string" ? (urnsById.get(value) ?? []) : []).filter((urn) => urn !== resource.urn);
    if (urns.length > 0) dependencies[property] = urns;
  }
  return dependencies;
}

/** Pulumi's wire form of a secret, as the mocks record it; the engine hands policies the plain value. */
const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";

function unwrapSecrets(value: any): any {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value === null || typeof value !== "object") return value;
  if (SECRET_SIGNATURE in value) return unwrapSecrets(value.value);
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, unwrapSecrets(inner)]));
}

/**
 * What the policies see of a graph. The engine runs no analyzer on a read (`get`: its step generator's
 * GenerateReadSteps records no goal), so neither resource nor stack policies see those.
 */
export function policyResources(graph: DumpedGraph, view: "inputs" | "state"): FakeResource[] {
  const urnsById = new Map<string, string[]>();
  for (const r of graph.resources) urnsById.set(idOf(r), [...(urnsById.get(idOf(r)) ?? []), r.urn]);
  return graph.resources
    .filter((r) => r.readId === undefined)
    .map((r) => ({
      type: r.type,
      name: r.name,
      urn: r.urn,
      props: unwrapSecrets(view === "inputs" ? r.inputs : r.state),
      ...(r.provider ? { provider: r.provider.slice(0, r.provider.lastIndexOf("::")) } : {}),
      ...(r.parent ? { parent: r.parent } : {}),
      propertyDependencies: propertyDependencies(r, urnsById),
    }));
}
