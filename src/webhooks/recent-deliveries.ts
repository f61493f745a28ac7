// The delivery ids a receiver saw lately, so a redelivered or replayed event does nothing. Bounded:
// the oldest ids are forgotten first, and a replay older than that is still only a hint, which
// costs one HEAD at most (a digest already imported costs nothing).
export class RecentDeliveries {
  private readonly seen = new Map<string, true>();
  private readonly capacity: number;

  constructor(capacity = 10_000) {
    this.capacity = capacity;
  }

  /** Records `id` for `receiver`; false when it was seen already. */
  firstTime(receiver: string, id: string): boolean {
    const key = `${receiver}\u0000${id}`;
    if (this.seen.has(key)) return false;
    this.seen.set(key, true);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value!);
    return true;
  }
}
