/** The keys of a `kubernetes.io/tls` Secret (and the CA beside them), which are the file names its mount shows. */
export const TLS_SECRET_KEYS = { cert: "tls.crt", key: "tls.key", ca: "ca.crt" } as const;
