import * as pulumi from "@pulumi/pulumi";
import type { PostgresDatabase } from "../types";
import type { KubernetesDatabaseSettings } from "./settings";
import { platformSecret } from "./settings";

/** Grafana's PostgreSQL where the user already runs one: its address from config, its password a secret key. */
export class ExistingPostgres extends pulumi.ComponentResource implements PostgresDatabase {
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly databaseName: pulumi.Output<string>;
  readonly username: pulumi.Output<string>;
  readonly password: pulumi.Output<string>;

  constructor(name: string, args: { settings: KubernetesDatabaseSettings }, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:cloud:ExistingPostgres", name, {}, opts);
    const s = args.settings;
    this.host = pulumi.output(s.host);
    this.port = pulumi.output(s.port);
    this.databaseName = pulumi.output(s.name);
    this.username = pulumi.output(s.user);
    this.password = platformSecret("databasePassword");
    this.registerOutputs({ host: this.host, port: this.port });
  }
}
