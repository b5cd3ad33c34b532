// Prometheus' duration syntax (model.ParseDuration): units in descending order, each at most once.
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_SECONDS = [365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 0.001];

/** Seconds in a Prometheus duration such as `1d12h`, or undefined when it is not one (or is zero-length text). */
export function parseDuration(text: string): number | undefined {
  if (text === "" || text === "0") return text === "0" ? 0 : undefined;
  const match = DURATION.exec(text);
  if (!match) return undefined;
  return match.slice(1).reduce((sum, part, i) => sum + (part ? Number(part) * UNIT_SECONDS[i] : 0), 0);
}
