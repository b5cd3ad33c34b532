/**
 * Address-range arithmetic on CIDR lists: the config refuses a list that opens an endpoint to everyone, and
 * so do the policies. Dependency-free, because the policy pack holds a copy (policy/lib/cidr.ts, written by
 * `npm run policy:shared`): a pack is published and installed on its own and reads nothing outside its folder.
 */

interface Range {
  readonly start: bigint;
  readonly end: bigint;
}

const V4_BITS = 32;
const V6_BITS = 128;

function ipv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((sum, p) => (sum << 8n) | BigInt(Number(p)), 0n);
}

function ipv6(text: string): bigint | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = halves.map((half) => (half === "" ? [] : half.split(":")));
  const missing = 8 - groups.reduce((n, g) => n + g.length, 0);
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = halves.length === 1 ? groups[0] : [...groups[0], ...Array(missing).fill("0"), ...groups[1]];
  if (all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return all.reduce((sum, g) => (sum << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** The family and address range of a CIDR such as 203.0.113.0/24 or 2001:db8::/32, or undefined when it is none. */
export function parseCidr(cidr: string): { family: 4 | 6; range: Range } | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(cidr.trim());
  if (!match) return undefined;
  const family = match[1].includes(":") ? 6 : 4;
  const bits = family === 4 ? V4_BITS : V6_BITS;
  const address = family === 4 ? ipv4(match[1]) : ipv6(match[1]);
  const prefix = Number(match[2]);
  if (address === undefined || prefix > bits) return undefined;
  const size = 1n << BigInt(bits - prefix);
  const start = address - (address % size);
  return { family, range: { start, end: start + size - 1n } };
}

function coversEverything(ranges: Range[], bits: number): boolean {
  let next = 0n;
  for (const range of [...ranges].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))) {
    if (range.start > next) return false;
    if (range.end + 1n > next) next = range.end + 1n;
  }
  return next === 1n << BigInt(bits);
}

/**
 * The entries of a list that together admit every IPv4 or every IPv6 address (0.0.0.0/1 with 128.0.0.0/1 is
 * as open as 0.0.0.0/0), or an empty list when the list leaves some address out.
 */
export function openToWorld(cidrs: readonly string[]): string[] {
  const open: string[] = [];
  for (const family of [4, 6] as const) {
    const entries = cidrs.map((cidr) => ({ cidr, parsed: parseCidr(cidr) })).filter((e) => e.parsed?.family === family);
    if (
      coversEverything(
        entries.map((e) => e.parsed!.range),
        family === 4 ? V4_BITS : V6_BITS,
      )
    )
      open.push(...entries.map((e) => e.cidr));
  }
  return open;
}

/** How a policy message names the open entries: one that is open itself, or several that are open together. */
export function describeOpen(open: readonly string[]): string {
  return open.length === 1 ? `contains ${open[0]}` : `together cover every address with ${open.join(", ")}`;
}
