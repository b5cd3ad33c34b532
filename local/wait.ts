/** Thrown by a probe when waiting longer cannot help (the process it waits for has exited). */
export class WaitAbandoned extends Error {}

/**
 * Polls until `probe` returns a value other than undefined, or fails after `timeoutMs` naming what it waited
 * for and the last error seen. Every wait in the runner and the tests is bounded this way; none sleeps blind.
 */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      if (err instanceof WaitAbandoned) throw new Error(`stopped waiting for ${what}: ${err.message}`);
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}${detail}`);
    }
    await sleep(intervalMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
