// Manifest bytes by digest, most recently used kept, within a byte budget. Content-addressed
// bytes never change, so nothing here can go stale; a deleted manifest is refused by its link first.

export class ManifestCache {
  private readonly entries = new Map<string, Buffer>();
  private readonly budget: number;
  private bytes = 0;

  constructor(budgetBytes: number) {
    this.budget = budgetBytes;
  }

  get(digest: string): Buffer | undefined {
    const found = this.entries.get(digest);
    if (found) {
      this.entries.delete(digest);
      this.entries.set(digest, found);
    }
    return found;
  }

  set(digest: string, content: Buffer): void {
    if (content.byteLength > this.budget / 8 || this.entries.has(digest)) return;
    this.entries.set(digest, content);
    this.bytes += content.byteLength;
    for (const [key, value] of this.entries) {
      if (this.bytes <= this.budget) break;
      this.entries.delete(key);
      this.bytes -= value.byteLength;
    }
  }
}
