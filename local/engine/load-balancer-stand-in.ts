import { type KubeApi, KubeApiError } from "./kube-api";

interface ServiceList {
  items: {
    metadata: { name: string; namespace: string; resourceVersion: string };
    spec: { type?: string };
    status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
  }[];
}

/** How often Services are looked at; a real cloud controller takes seconds to minutes, so this is generous. */
const POLL_MS = 500;

/**
 * A STAND-IN for a cloud's or MetalLB's load balancer controller, which a local control plane lacks: it gives
 * every `LoadBalancer` Service of the cluster an address in its status, as those controllers do, so the
 * Pulumi Kubernetes provider's await on such a Service ends as it does on a real cluster instead of waiting
 * out its timeout. The address is `address` (a documentation-range IP, never routed: nothing dials it here,
 * as no container runs on KWOK's fake nodes). It assigns nothing else (no ports, no health checks).
 */
export class LoadBalancerStandIn {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly api: KubeApi,
    private readonly address: string,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.assignAddresses()
        .catch(() => undefined)
        .finally(() => (this.running = undefined));
    }, POLL_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async assignAddresses(): Promise<void> {
    const services = await this.api.get<ServiceList>("/api/v1/services");
    for (const svc of services.items) {
      if (svc.spec.type !== "LoadBalancer" || (svc.status?.loadBalancer?.ingress?.length ?? 0) > 0) continue;
      const path = `/api/v1/namespaces/${svc.metadata.namespace}/services/${svc.metadata.name}/status`;
      try {
        await this.api.replace(path, {
          ...svc,
          apiVersion: "v1",
          kind: "Service",
          status: { loadBalancer: { ingress: [{ ip: this.address }] } },
        });
      } catch (err) {
        // Changed or deleted since it was listed: the next round sees it as it is now.
        if (!(err instanceof KubeApiError && (err.status === 409 || err.status === 404))) throw err;
      }
    }
  }
}
