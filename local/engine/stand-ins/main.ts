import * as provider from "@pulumi/pulumi/provider";
import { randomStandIn } from "./random";
import { tlsStandIn } from "./tls";

/**
 * The plugin process: `node main.js <random|tls> <engine address>`. It reports the version of the SDK
 * package it stands in for (the engine warns when a plugin is older than the version a program requests,
 * and the SDK requests its own package version).
 */
const STAND_INS = {
  random: () => randomStandIn(sdkVersion("@pulumi/random")),
  tls: () => tlsStandIn(sdkVersion("@pulumi/tls")),
};

function sdkVersion(sdkPackage: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(`${sdkPackage}/package.json`) as { version: string }).version;
}

const [name, ...engineArgs] = process.argv.slice(2);
const standIn = STAND_INS[name as keyof typeof STAND_INS];
if (!standIn) {
  console.error(`usage: main.js <${Object.keys(STAND_INS).join("|")}> <engine address>`);
  process.exit(2);
}
void provider.main(standIn(), engineArgs);
