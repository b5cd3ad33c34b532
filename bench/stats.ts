/** Order statistics and fits over measured samples; nothing here invents a number. */

export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error("percentile of no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  // Nearest rank: the smallest sample with at least p% of the samples at or below it.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export function mean(samples: readonly number[]): number {
  if (samples.length === 0) throw new Error("mean of no samples");
  return samples.reduce((a, b) => a + b, 0) / samples.length;
}

/** Least-squares line through (x, y) points, with R² saying how straight the points lie. */
export function linearFit(points: readonly (readonly [number, number])[]): {
  slope: number;
  intercept: number;
  r2: number;
} {
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  const mx = mean(xs);
  const my = mean(ys);
  const sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const ssTot = ys.reduce((s, y) => s + (y - my) ** 2, 0);
  const ssRes = points.reduce((s, [x, y]) => s + (y - (intercept + slope * x)) ** 2, 0);
  return { slope, intercept, r2: ssTot === 0 ? 1 : 1 - ssRes / ssTot };
}

export const round = (value: number, digits = 2) => Number(value.toFixed(digits));
