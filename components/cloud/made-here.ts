import { CLOUD_TRAITS, type Cloud } from "../../config/clouds";

/**
 * What one platform made: it builds identities and databases only next to its own clusters and buckets (they
 * need its VPC, OIDC issuer or workload pool), so it takes back from the shared interfaces only what it
 * made itself. Anything else is a wiring mistake in a tier, reported as such.
 */
export class MadeHere<T extends object> {
  private readonly made = new WeakSet<object>();

  constructor(
    private readonly cloud: Cloud,
    private readonly what: "cluster" | "bucket",
  ) {}

  add<U extends T>(resource: U): U {
    this.made.add(resource);
    return resource;
  }

  /** `resource` as the platform made it; `madeOn` is the cloud the resource says it is on, where it says one. */
  require(resource: object, madeOn?: Cloud): T {
    if (!this.made.has(resource)) {
      const on = madeOn === undefined ? "" : ` (on ${CLOUD_TRAITS[madeOn].nouns.name})`;
      throw new Error(
        `the ${CLOUD_TRAITS[this.cloud].nouns.name} platform got a ${this.what} it did not make${on}: pass the ${this.what} made by the same cloudFor(config)`,
      );
    }
    return resource as T;
  }
}
