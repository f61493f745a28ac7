// The order OpenShift imports and shows tags in (PrioritizeTags): latest, then X.Y versions newest
// first, then full X.Y.Z versions newest first, then the rest alphabetically.

export function prioritizedTags(tags: readonly string[]): string[] {
  const unique = [...new Set(tags.map((t) => t || 'latest'))];
  const minor = /^v?(\d+)\.(\d+)(?:-[\w.]+)?$/;
  const full = /^v?(\d+)\.(\d+)\.(\d+)(?:-[\w.]+)?$/;
  const rank = (tag: string) => (tag === 'latest' ? 0 : minor.test(tag) ? 1 : full.test(tag) ? 2 : 3);
  const numbers = (tag: string) => (full.exec(tag) ?? minor.exec(tag) ?? []).slice(1).map(Number);
  return unique.sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    if (ra !== rb) return ra - rb;
    if (ra === 1 || ra === 2) {
      const na = numbers(a);
      const nb = numbers(b);
      for (let i = 0; i < Math.max(na.length, nb.length); i++) if ((nb[i] ?? 0) !== (na[i] ?? 0)) return (nb[i] ?? 0) - (na[i] ?? 0);
      if (a.startsWith('v') !== b.startsWith('v')) return a.startsWith('v') ? 1 : -1;
    }
    return a < b ? -1 : a > b ? 1 : 0;
  });
}
