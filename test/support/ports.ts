/**
 * The first port an end-to-end test's topology takes: `LOCAL_BASE_PORT` when set (so runs beside others on
 * one machine keep to their own range), else the file's own default.
 */
export function e2eBasePort(fallback: number): number {
  const value = process.env.LOCAL_BASE_PORT;
  if (value === undefined || value === "") return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1024 || port > 63000)
    throw new Error(`LOCAL_BASE_PORT=${value} is not a port between 1024 and 63000`);
  return port;
}
