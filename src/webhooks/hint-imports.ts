// Turns push hints into imports, one stream at a time: hints for a stream that arrive within a
// short window (a multi-arch push notifies several times) become one check; a tag whose hinted
// digest is the one already imported costs nothing; the others are asked upstream with one HEAD
// each, and only the tags that moved are imported. A hint arriving while its stream is checked is
// taken in the next round, so no push is lost and none is imported twice.
import type { ImageStream, TagReference } from '../kube/kinds/image.ts';
import type { Logger } from '../lib/logger.ts';
import type { Counter } from '../lib/metrics.ts';
import { readSourceDigests } from '../streams/import-bookkeeping.ts';

/** One check of a stream's hinted tags: what it learns of a registry (a ping, a token) serves its import too. */
export interface CheckRound {
  /** Which of the tags moved upstream, one HEAD each (a failed check counts as moved, so the import reports it). */
  changedTags(stream: ImageStream, tags: readonly TagReference[], signal: AbortSignal): Promise<string[]>;
  /** Imports the tags and records them with `cause` on their tag events. */
  importTags(namespace: string, name: string, tags: readonly TagReference[], signal: AbortSignal, cause: string): Promise<void>;
}

export interface HintImportsDeps {
  readonly readStream: (namespace: string, name: string) => Promise<ImageStream | undefined>;
  /** A round for checking (and importing) these tags of a stream. */
  readonly startRound: (tags: readonly TagReference[]) => CheckRound;
  /** How long hints for one stream are gathered before it is checked. */
  readonly windowMs: number;
  readonly logger: Logger;
  /** Tag checks by result: imported, unchanged (HEAD said so), known (the hinted digest was imported already). */
  readonly checks?: Counter;
  readonly signal: AbortSignal;
}

interface PendingTag {
  readonly digest?: string;
  readonly receiver: string;
}

export class HintImports {
  private readonly deps: HintImportsDeps;
  /** Per stream key: the tags hinted and not yet checked. */
  private readonly pending = new Map<string, Map<string, PendingTag>>();
  private readonly draining = new Set<string>();
  private readonly settledWaiters = new Set<() => void>();

  constructor(deps: HintImportsDeps) {
    this.deps = deps;
  }

  /** Notes that `tag` of the stream may have moved (to `digest`, if the sender said); checks it soon. */
  hint(namespace: string, stream: string, tag: string, receiver: string, digest?: string): void {
    const key = `${namespace}/${stream}`;
    let tags = this.pending.get(key);
    if (!tags) this.pending.set(key, (tags = new Map()));
    tags.set(tag, { digest, receiver });
    if (this.draining.has(key)) return;
    this.draining.add(key);
    void this.drain(namespace, stream, key);
  }

  /** Resolves once no hint is pending or being checked (for benchmarks and orderly tests). */
  settled(): Promise<void> {
    if (this.draining.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.add(resolve));
  }

  private async drain(namespace: string, stream: string, key: string): Promise<void> {
    try {
      while (this.pending.has(key) && !this.deps.signal.aborted) {
        await new Promise((resolve) => setTimeout(resolve, this.deps.windowMs));
        const tags = this.pending.get(key)!;
        this.pending.delete(key);
        await this.check(namespace, stream, tags).catch((error: unknown) =>
          this.deps.logger.warn('a webhook-hinted import failed', { namespace, stream, tags: [...tags.keys()], error }),
        );
      }
    } finally {
      this.draining.delete(key);
      this.pending.delete(key);
      if (this.draining.size === 0) for (const resolve of this.settledWaiters) resolve();
      if (this.draining.size === 0) this.settledWaiters.clear();
    }
  }

  private async check(namespace: string, name: string, hinted: ReadonlyMap<string, PendingTag>): Promise<void> {
    const stream = await this.deps.readStream(namespace, name);
    if (!stream) return;
    const imported = readSourceDigests(stream);
    const candidates: TagReference[] = [];
    for (const spec of stream.spec.tags ?? []) {
      const hint = hinted.get(spec.name);
      if (!hint || spec.from?.kind !== 'DockerImage') continue;
      // A digest the tag was imported from already is the tag as it is: nothing to ask.
      if (hint.digest && imported[spec.name] === hint.digest) this.deps.checks?.inc({ result: 'known' });
      else candidates.push(spec);
    }
    if (candidates.length === 0) return;
    const round = this.deps.startRound(candidates);
    const moved = new Set(await round.changedTags(stream, candidates, this.deps.signal));
    const toImport = candidates.filter((t) => moved.has(t.name));
    this.deps.checks?.inc({ result: 'unchanged' }, candidates.length - toImport.length);
    // One import per receiver that hinted (nearly always one), so each tag's cause names its own.
    const byReceiver = new Map<string, TagReference[]>();
    for (const tag of toImport) {
      const receiver = hinted.get(tag.name)!.receiver;
      byReceiver.set(receiver, [...(byReceiver.get(receiver) ?? []), tag]);
    }
    for (const [receiver, tags] of byReceiver) {
      this.deps.logger.info('importing tags a webhook said moved', { namespace, stream: name, receiver, tags: tags.map((t) => t.name) });
      await round.importTags(namespace, name, tags, this.deps.signal, `webhook ${receiver}`);
      this.deps.checks?.inc({ result: 'imported' }, tags.length);
    }
  }
}
