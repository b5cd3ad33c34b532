import * as fs from "node:fs";
import * as YAML from "yaml";
import type { CertificateFiles } from "../pki";

const base64File = (file: string) => fs.readFileSync(file).toString("base64");

/**
 * A kubeconfig for one user of one API server, with the CA and the client certificate embedded, so the text
 * alone is a complete credential (what a Pulumi Kubernetes provider takes as its `kubeconfig`).
 */
export function kubeconfig(server: string, caFile: string, user: string, client: CertificateFiles): string {
  return YAML.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "local", cluster: { server, "certificate-authority-data": base64File(caFile) } }],
    users: [
      {
        name: user,
        user: { "client-certificate-data": base64File(client.cert), "client-key-data": base64File(client.key) },
      },
    ],
    contexts: [{ name: "local", context: { cluster: "local", user } }],
    "current-context": "local",
  });
}
