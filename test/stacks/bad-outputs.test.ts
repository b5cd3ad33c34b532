/**
 * What a user sees when a stack cannot be deployed: a regional stack whose outputs the global stack cannot
 * use (never deployed, deployed by an older version, or damaged) stops the global deployment with a
 * message naming the global stack, the regional stack and the output; a bad config value stops a stack
 * before anything is created. Each failing global run has its own process (runStackInChild).
 */
import * as assert from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../config";
import { ProgramFailure, type RunOptions, runProgram } from "../harness/program";
import { ownStackOptions, runStackInChild } from "../harness/stacks";

const REGION = "acme/monitoring/eu-west";

/** The message a stack's run ends with (what `pulumi up` prints), or a failed assertion if it succeeds. */
function failureOfChild(stack: string, options: RunOptions): string {
  try {
    runStackInChild(stack, options);
  } catch (err) {
    return String((err as { stderr?: string }).stderr ?? err);
  }
  assert.fail(`stack '${stack}' deployed although it should have failed`);
}

let globalOptions: RunOptions | undefined;

/** The global stack's own options, with one output of the eu-west region replaced (or deleted with undefined). */
function globalWithRegionOutput(output: string, value: unknown): RunOptions {
  // The regions' own programs run once for the whole file.
  globalOptions ??= ownStackOptions("global");
  const options = globalOptions;
  const region = options.stackReferences![REGION];
  const outputs = { ...region.outputs };
  if (value === undefined) delete outputs[output];
  else outputs[output] = value;
  return { ...options, stackReferences: { ...options.stackReferences, [REGION]: { ...region, outputs } } };
}

describe("stacks that cannot be deployed", () => {
  it("a regional stack with `prometheus.replicas: 1` fails with the config error before any resource exists", async () => {
    const failure = await runProgram("us-east", { config: { prometheus: { replicas: 1, retention: "24h" } } }).then(
      () => assert.fail("us-east deployed a single Prometheus replica"),
      (err: unknown) => err,
    );
    assert.ok(failure instanceof ProgramFailure, String(failure));
    // A RunError, which the language host prints as its message alone, carrying the ConfigError.
    assert.ok(pulumi.RunError.isInstance(failure.errors[0]), String(failure.errors[0]));
    assert.ok((failure.errors[0] as Error).cause instanceof ConfigError, String(failure.errors[0]));
    assert.match(
      failure.message,
      /^stack 'us-east': config key 'monitoring:prometheus\.replicas' has the number 1; allowed: a whole number from 2 to /,
    );
    assert.deepStrictEqual(failure.resources, []);
  });

  it("the global stack fails naming itself, the region and the output when a region lacks `tlsCaCert`", () => {
    const message = failureOfChild("global", globalWithRegionOutput("tlsCaCert", undefined));
    assert.match(message, /stack 'global': regional stack 'acme\/monitoring\/eu-west' output 'tlsCaCert' is missing/);
    assert.match(message, /pulumi up -s eu-west/);
  });

  it("the global stack fails naming itself, the region and the output when a region's `prometheusPods` is not a list", () => {
    const message = failureOfChild("global", globalWithRegionOutput("prometheusPods", "prometheus-shard-0-0"));
    assert.match(
      message,
      /stack 'global': regional stack 'acme\/monitoring\/eu-west' output 'prometheusPods' is not a list/,
    );
  });
});
