/** Kubernetes resource quantities (500m, 2, 4Gi, 512M) as numbers, to compare requests with a node's room. */
export const QUANTITY = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const FACTORS: Record<string, number> = {
  "": 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

export function quantity(text: string): number {
  const match = QUANTITY.exec(text);
  if (!match) throw new Error(`not a Kubernetes quantity: '${text}'`);
  return Number(match[1]) * FACTORS[match[2] ?? ""];
}
