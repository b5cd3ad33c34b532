import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

export const POSTGRES_PORT = 5432;

/**
 * A generated database password, secret from birth. Letters and digits only (40 of them, about 238 bits):
 * nothing to escape in a DSN, an ini file or an environment variable. Its own explicit random provider keeps
 * the rule "no resource on a default provider" free of exceptions.
 */
export function databasePassword(name: string, parent: pulumi.Resource): pulumi.Output<string> {
  const provider = new random.Provider(`${name}-random`, {}, { parent });
  const password = new random.RandomPassword(name, { length: 40, special: false }, { parent, provider });
  return pulumi.secret(password.result);
}
