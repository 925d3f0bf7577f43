/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The index of the value nearest the median (the first such); -1 for none. */
export function medianIndex(values: readonly number[]): number {
  const m = median(values);
  let best = -1;
  values.forEach((x, i) => {
    if (best === -1 || Math.abs(x - m) < Math.abs((values[best] as number) - m)) best = i;
  });
  return best;
}
