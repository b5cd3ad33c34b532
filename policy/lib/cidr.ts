/** CIDRs that admit every address. */
export function isOpenToWorld(cidr: string): boolean {
  return cidr === "0.0.0.0/0" || cidr === "::/0";
}
