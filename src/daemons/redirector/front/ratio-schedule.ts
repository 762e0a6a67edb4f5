// Pure: which back end each new connection of a service goes to, exactly by ratio. Smooth
// weighted round robin (nginx's): every pick adds each member's weight to its credit, takes
// the member with the most credit and charges it the total. After any prefix of n picks each
// member is within one pick of n × weight / total, so 2:1 gives exactly 200/100 of 300 (and
// 2/1 of every 3), with the members interleaved rather than in runs.
//
// The kernel cannot run this per connection, so the daemon hands it one whole cycle (sum of
// the weights, reduced by their gcd, picks) and the kernel walks it with a counter that starts
// at the cycle's head whenever the cycle is installed (redirector-rules.ts).

export interface Weighted {
  name: string;
  weight: number;
}

/** The longest cycle the kernel map gets; ratios are small integers, so 1,000 is far off. */
export const MAX_CYCLE = 1000;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

export class SmoothWeightedRoundRobin {
  private readonly credit = new Map<string, number>();
  private members: Weighted[] = [];

  /** New weights keep no credit: the first picks after a change follow the new ratio from its start. */
  setWeights(members: readonly Weighted[]): void {
    for (const m of members) {
      if (!Number.isInteger(m.weight) || m.weight < 0)
        throw new Error(`weight of ${m.name} must be a non-negative integer, got ${m.weight}`);
    }
    this.members = members.filter((m) => m.weight > 0).map((m) => ({ ...m }));
    this.credit.clear();
  }

  /** The next member, or undefined when no member has a weight. */
  pick(): string | undefined {
    let total = 0;
    let best: Weighted | undefined;
    let bestCredit = -Infinity;
    for (const m of this.members) {
      total += m.weight;
      const c = (this.credit.get(m.name) ?? 0) + m.weight;
      this.credit.set(m.name, c);
      // Ties go to the member listed first: the order is the config's, so runs are repeatable.
      if (c > bestCredit) {
        bestCredit = c;
        best = m;
      }
    }
    if (!best) return undefined;
    this.credit.set(best.name, bestCredit - total);
    return best.name;
  }
}

/** One full cycle of picks for these weights (gcd-reduced); empty when no weight is positive. */
export const ratioCycle = (members: readonly Weighted[]): string[] => {
  const live = members.filter((m) => m.weight > 0);
  if (live.length === 0) return [];
  const g = live.reduce((a, m) => gcd(a, m.weight), 0);
  const reduced = live.map((m) => ({ name: m.name, weight: m.weight / g }));
  const length = reduced.reduce((a, m) => a + m.weight, 0);
  if (length > MAX_CYCLE)
    throw new Error(`ratios ${live.map((m) => `${m.name}=${m.weight}`).join(', ')} make a cycle of ${length} picks; at most ${MAX_CYCLE}`);
  const rr = new SmoothWeightedRoundRobin();
  rr.setWeights(reduced);
  return Array.from({ length }, () => rr.pick()!);
};
