// Ordinal string order (UTF-16 code units), for daemons' decisions. Not localeCompare: its
// order depends on the locale, and its first call builds ICU's collator — 7–12 ms of CPU that
// landed on arp-ha's split-brain step-down, the first time two equal priorities were compared.

/** Negative when `a` sorts before `b`, by code unit; the same on every node whatever its locale. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
