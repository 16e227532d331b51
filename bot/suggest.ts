/**
 * "Did you mean …?" for mistyped names. Edit distance is plenty for the handful of instance and
 * workspace names a team has.
 */

/** Up to `limit` candidates close to `input`, closest first. */
export function closeNames(input: string, candidates: readonly string[], limit = 3): string[] {
  const wanted = input.toLowerCase();
  const tolerance = Math.max(2, Math.floor(wanted.length / 3));
  return candidates
    .map((name) => ({ name, distance: editDistance(wanted, name.toLowerCase()) }))
    .filter(({ name, distance }) => distance <= tolerance || name.toLowerCase().includes(wanted) || wanted.includes(name.toLowerCase()))
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map(({ name }) => name);
}

/** " Did you mean my-vps or my-vps-2?" or "" — ready to append to a not-found message. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  return didYouMeanAny(closeNames(input, candidates));
}

/** The same sentence for names already chosen, closest first. */
export function didYouMeanAny(close: readonly string[]): string {
  if (close.length === 0) return '';
  const quoted = close.map((name) => `"${name}"`);
  const last = quoted.pop();
  return ` Did you mean ${quoted.length > 0 ? `${quoted.join(', ')} or ${last}` : last}?`;
}

/** Levenshtein distance, two-row dynamic programming. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
