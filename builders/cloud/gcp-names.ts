import type { KubernetesServiceAccountRef } from "./service-accounts";

/** Google service account IDs are 6 to 30 characters: [a-z][a-z0-9-]*[a-z0-9]. */
const ACCOUNT_ID_MIN = 6;
const ACCOUNT_ID_MAX = 30;

/**
 * A service account ID unique per stack prefix and purpose. Prefixes may be 40 characters long, so a long one
 * is shortened and suffixed with a hash of the whole prefix: two regions never collide on a cut-off name.
 */
export function gcpServiceAccountId(namePrefix: string, purpose: string): string {
  const id = `${namePrefix}-${purpose}`;
  if (id.length < ACCOUNT_ID_MIN)
    throw new Error(`gcpServiceAccountId: '${id}' is shorter than ${ACCOUNT_ID_MIN} characters; use a longer purpose`);
  if (id.length <= ACCOUNT_ID_MAX) return id;
  const hash = fnv1a(namePrefix).toString(36).slice(0, 6);
  const room = ACCOUNT_ID_MAX - purpose.length - hash.length - 2;
  return `${namePrefix.slice(0, room).replace(/-+$/, "")}-${hash}-${purpose}`;
}

/** The IAM member Workload Identity maps a Kubernetes service account to, in a workload pool (`<project>.svc.id.goog`). */
export function workloadIdentityMember(pool: string, account: KubernetesServiceAccountRef): string {
  return `serviceAccount:${pool}[${account.namespace}/${account.name}]`;
}

export function workloadPool(project: string): string {
  return `${project}.svc.id.goog`;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
