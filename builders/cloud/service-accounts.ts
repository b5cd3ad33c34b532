/** A Kubernetes service account a cloud identity trusts. */
export interface KubernetesServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/**
 * The accounts an identity trusts, checked before anything is created: at least one, each a valid Kubernetes
 * namespace and service account name, none twice.
 */
export function requireServiceAccounts(
  purpose: string,
  accounts: readonly KubernetesServiceAccountRef[],
): readonly KubernetesServiceAccountRef[] {
  if (accounts.length === 0)
    throw new Error(`identity '${purpose}': name at least one Kubernetes service account to trust`);
  const seen = new Set<string>();
  for (const { namespace, name } of accounts) {
    if (!DNS_LABEL.test(namespace))
      throw new Error(
        `identity '${purpose}': namespace '${namespace}' is not a Kubernetes namespace name (a DNS label)`,
      );
    if (!DNS_SUBDOMAIN.test(name))
      throw new Error(`identity '${purpose}': '${name}' is not a Kubernetes service account name (a DNS subdomain)`);
    const key = `${namespace}/${name}`;
    if (seen.has(key)) throw new Error(`identity '${purpose}': service account ${key} is listed twice`);
    seen.add(key);
  }
  return accounts;
}
