import { type CertificateFiles, Pki } from "../pki";
import { LOOPBACK } from "../ports";

/** Every certificate and key one local control plane needs, as files in its own PKI directory. */
export interface ControlPlanePki {
  readonly ca: CertificateFiles;
  /** Served by the API server, the controller-manager and the scheduler alike: all of them listen on loopback only. */
  readonly serving: CertificateFiles;
  readonly admin: CertificateFiles;
  readonly controllerManager: CertificateFiles;
  readonly scheduler: CertificateFiles;
  readonly kwok: CertificateFiles;
  /**
   * The aggregation layer's own CA and the API server's client certificate under it, as kubeadm makes them: the
   * controller-manager and the scheduler read this CA to authenticate proxied requests, and an aggregated API
   * (metrics, custom metrics for an HPA) trusts the API server through it.
   */
  readonly frontProxyCa: CertificateFiles;
  readonly frontProxyClient: CertificateFiles;
  readonly serviceAccount: { readonly privateKey: string; readonly publicKey: string };
}

/** The user names the default RBAC bootstrap policy already binds to their components' roles. */
export const CONTROL_PLANE_USERS = {
  admin: "kubernetes-admin",
  controllerManager: "system:kube-controller-manager",
  scheduler: "system:kube-scheduler",
  kwok: "kwok-controller",
  frontProxy: "front-proxy-client",
} as const;

const ADMIN_GROUP = "system:masters";

/** A fresh CA and everything it signs for one control plane, made with openssl under `dir`. */
export function createControlPlanePki(dir: string): ControlPlanePki {
  const pki = new Pki(dir);
  const ca = pki.rootCa("ca", "local-kubernetes-ca");
  const frontProxyCa = pki.rootCa("front-proxy-ca", "local-front-proxy-ca");
  return {
    ca,
    serving: pki.server("serving", ca, ["localhost"], [LOOPBACK]),
    admin: pki.client("admin", ca, CONTROL_PLANE_USERS.admin, [ADMIN_GROUP]),
    controllerManager: pki.client("controller-manager", ca, CONTROL_PLANE_USERS.controllerManager),
    scheduler: pki.client("scheduler", ca, CONTROL_PLANE_USERS.scheduler),
    // KWOK plays the kubelet of every fake node (node and pod status, leases, pod deletion) and has no role in
    // the bootstrap policy; the node authorizer would confine one node identity to one node.
    kwok: pki.client("kwok", ca, CONTROL_PLANE_USERS.kwok, [ADMIN_GROUP]),
    frontProxyCa,
    frontProxyClient: pki.client("front-proxy-client", frontProxyCa, CONTROL_PLANE_USERS.frontProxy),
    serviceAccount: pki.keyPair("service-account"),
  };
}
