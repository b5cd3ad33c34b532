import type { ResourceValidationPolicy } from "@pulumi/policy";
import { failing } from "../../lib/known";
import { containersOf, podTemplate, WORKLOAD_TYPES } from "../../lib/k8s";
import { propertyPolicy } from "../../lib/policy";

/** A policy judging every container (init containers included) of every pod template on its own. */
function containerPolicy(
  name: string,
  description: string,
  violation: (container: any, podSpec: any) => string | undefined,
): ResourceValidationPolicy {
  return propertyPolicy({
    name,
    description,
    types: WORKLOAD_TYPES,
    violations: (props, _config, args) => {
      const template = podTemplate(args.type, props);
      if (!template) return undefined;
      return failing(
        containersOf(template.spec).map((container) => () => {
          const message = violation(container, template.spec);
          return message && `container '${container.name}': ${message}`;
        }),
      );
    },
  });
}

/** The tag of an image reference, or undefined when it has none (`:` after the last `/` starts the tag). */
function imageTag(image: string): string | undefined {
  const withoutDigest = image.split("@")[0];
  const colon = withoutDigest.lastIndexOf(":");
  return colon > withoutDigest.lastIndexOf("/") ? withoutDigest.slice(colon + 1) : undefined;
}

export const pinnedImages = containerPolicy(
  "k8s-pinned-images",
  "Every container image is pinned by a tag other than `latest`, or by digest.",
  (container) => {
    const image = container.image;
    if (typeof image !== "string" || image === "") return "has no image";
    if (image.includes("@sha256:")) return undefined;
    const tag = imageTag(image);
    if (tag === undefined) return `image '${image}' has no tag: pin a version`;
    return tag === "latest" ? `image '${image}' uses the latest tag: pin a version` : undefined;
  },
);

export const containerResources = containerPolicy(
  "k8s-container-resources",
  "Every container requests CPU and memory and has a memory limit.",
  (container) => {
    const missing = [
      container.resources?.requests?.cpu === undefined ? "resources.requests.cpu" : undefined,
      container.resources?.requests?.memory === undefined ? "resources.requests.memory" : undefined,
      container.resources?.limits?.memory === undefined ? "resources.limits.memory" : undefined,
    ].filter((field) => field !== undefined);
    return missing.length > 0 ? `must set ${missing.join(", ")}` : undefined;
  },
);

/** A container's setting wins over the pod's (Kubernetes' own precedence). */
function effective(container: any, podSpec: any, field: string): unknown {
  return container.securityContext?.[field] ?? podSpec.securityContext?.[field];
}

export const nonRoot = containerPolicy(
  "k8s-non-root",
  "Every container runs as a non-root user (runAsNonRoot, and no runAsUser 0).",
  (container, podSpec) => {
    if (effective(container, podSpec, "runAsUser") === 0) return "runs as root: runAsUser is 0";
    return effective(container, podSpec, "runAsNonRoot") === true
      ? undefined
      : "must set securityContext.runAsNonRoot: true (on the container or the pod)";
  },
);

export const noPrivileged = containerPolicy("k8s-no-privileged", "No container runs privileged.", (container) =>
  container.securityContext?.privileged === true ? "must not set securityContext.privileged: true" : undefined,
);

export const noPrivilegeEscalation = containerPolicy(
  "k8s-no-privilege-escalation",
  "Every container forbids privilege escalation (Kubernetes allows it unless told otherwise).",
  (container) =>
    container.securityContext?.allowPrivilegeEscalation === false
      ? undefined
      : "must set securityContext.allowPrivilegeEscalation: false",
);

/**
 * A variable named for a secret (Grafana's `GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET`, `GF_SECURITY_ADMIN_PASSWORD`,
 * `GF_DATABASE_PASSWORD`, any `..._TOKEN`) holds it in the pod spec when set by value: readable by everyone who
 * may read the workload, kept in the state and every preview. A Secret's key (`valueFrom.secretKeyRef`) or a
 * file Grafana reads (`$__file{...}`) keeps it out.
 */
const SECRET_VARIABLE = /(PASSWORD|PASSWD|SECRET|SECRET_KEY|TOKEN|API_KEY)$/;
const FILE_REFERENCE = /^\$__file\{[^}]+\}$/;

export const noSecretEnvValues = containerPolicy(
  "k8s-no-secret-env-values",
  "No container sets a variable named for a secret (…PASSWORD, …SECRET, …TOKEN, …API_KEY) to a value: it comes from a Secret (valueFrom.secretKeyRef).",
  (container) => {
    const literal = (container.env ?? []).find(
      (e: any) => SECRET_VARIABLE.test(e.name) && typeof e.value === "string" && !FILE_REFERENCE.test(e.value),
    );
    return literal
      ? `sets ${literal.name} by value, which puts the secret into the pod spec: read it from a Secret (valueFrom.secretKeyRef)`
      : undefined;
  },
);

export const containerPolicies: ResourceValidationPolicy[] = [
  pinnedImages,
  containerResources,
  nonRoot,
  noPrivileged,
  noPrivilegeEscalation,
  noSecretEnvValues,
];
