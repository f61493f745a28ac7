// `ims adm prune images` (SPEC §9): a dry run by default that lists what would go, with sizes;
// with --confirm it trims tag histories, deletes Images, then the blobs only they used and the
// stored blobs no Image references. The registry re-checks every blob before deleting it.
import type { Command, CommandContext } from '../command.ts';
import type { ApiClient } from '../api-client.ts';
import { CliError } from '../cli-error.ts';
import { ServerError } from '../api-client.ts';
import { kinds, workloadKinds as workloads } from '../../kube/kinds.ts';
import { planOrphanBlobs, planPrune, useOf, withoutPrunedRevisions, type PruneImage, type StoredBlob } from '../../image/prune-plan.ts';
import { podSpecOf } from '../../image/pod-spec.ts';
import { parseDuration } from '../../lib/duration.ts';
import { humanSize } from '../output/human.ts';
import { formatTable } from '../output/table-printer.ts';

export const pruneImages: Command = {
  path: 'adm prune images',
  summary: 'Remove old image revisions and the images and blobs nothing uses',
  usage: 'ims adm prune images [--keep-tag-revisions 3] [--keep-younger-than 60m] [--all=false] [--confirm]',
  examples: `  # See what would be removed (nothing is changed without --confirm)
  ims adm prune images

  # Keep 5 revisions per tag and anything from the last day, and do it
  ims adm prune images --keep-tag-revisions=5 --keep-younger-than=24h --confirm`,
  flags: [
    { name: 'keep-tag-revisions', type: 'string', help: 'revisions of each tag to keep', placeholder: 'N', default: '3' },
    { name: 'keep-younger-than', type: 'string', help: 'keep anything younger than this', placeholder: 'DURATION', default: '60m' },
    { name: 'all', type: 'bool', help: 'also delete images imported from other registries (default true)' },
    { name: 'confirm', type: 'bool', help: 'really remove; without it this is a dry run' },
  ],
  async run(context) {
    const keepTagRevisions = Number(context.args.strings.get('keep-tag-revisions'));
    if (!Number.isInteger(keepTagRevisions) || keepTagRevisions < 0) throw new CliError('--keep-tag-revisions must be greater than or equal to 0');
    const keepYoungerThanMs = parseDuration(context.args.strings.get('keep-younger-than')!);
    if (keepYoungerThanMs === undefined) throw new CliError('--keep-younger-than must be a duration like 60m or 24h, greater than or equal to 0');
    const confirm = Boolean(context.args.bools.get('confirm'));
    const client = context.client();
    const reading = context.progress({ task: 'Reading stored blobs, image streams, images and workloads' });
    let cluster: Awaited<ReturnType<typeof readCluster>>;
    try {
      cluster = await readCluster(client);
    } finally {
      reading.finish();
    }
    const { stored, streams, images, uses } = cluster;
    const now = Date.now();
    const plan = planPrune(streams, images, uses, { keepTagRevisions, keepYoungerThanMs, all: context.args.bools.get('all') ?? true, now });
    const orphans = planOrphanBlobs(stored, images, plan.blobs, { keepYoungerThanMs, now });
    if (!confirm) context.out('Dry run enabled - no modifications will be made. Add --confirm to remove images\n\n');
    if (plan.streams.length > 0) {
      context.out('Deleting references from image streams to images ...\n');
      const rows = plan.streams.flatMap((s) => s.removed.map((r) => ({ cells: [`${s.namespace}/${s.name}`, r.image, r.tag] })));
      context.out(formatTable([{ columnDefinitions: ['Stream', 'Image', 'Tag'].map((name) => ({ name, priority: 0 })), rows }], { wide: false }) + '\n');
    }
    const total = plan.images.reduce((sum, image) => sum + image.size, 0);
    if (plan.images.length > 0)
      context.out(
        `Deleting images from server ...\n${sizeTable(
          'Image',
          plan.images.map((i) => [i.name, i.size]),
        )}\n`,
      );
    if (orphans.length > 0)
      context.out(
        `Deleting blobs no image references ...\n${sizeTable(
          'Blob',
          orphans.map((b) => [b.digest, b.size]),
        )}\n`,
      );
    const orphanBytes = orphans.reduce((sum, blob) => sum + blob.size, 0);
    context.out(
      `Summary: ${confirm ? 'deleted' : 'would delete'} ${plan.streams.reduce((n, s) => n + s.removed.length, 0)} tag revisions, ${plan.images.length} images and ${plan.blobs.length + orphans.length} blobs (${humanSize(total)} of images, ${humanSize(orphanBytes)} of blobs no image references)\n`,
    );
    if (!confirm) return;
    await apply(context, plan, [...plan.blobs, ...orphans.map((b) => b.digest)], keepYoungerThanMs);
  },
};

/** What pruning decides on: the stored blobs (first), streams, images, and what workloads use. */
async function readCluster(client: ApiClient) {
  // Blobs before Images: a push that completes in between counts as referenced, not as an orphan.
  // Images before streams: a push that stores its Image and tags it in between has its tag seen,
  // where the other order took its Image for unreferenced and pruned what the push had just made.
  const stored = await listStoredBlobs(client);
  const images = new Map<string, PruneImage>();
  for (const image of (await client.resource(kinds.images).list(undefined)).items) {
    const meta = image.metadata;
    images.set(meta.name, {
      name: meta.name,
      created: meta.creationTimestamp,
      managed: meta.annotations?.['openshift.io/image.managed'] === 'true',
      size: Number(image.dockerImageMetadata?.Size ?? 0),
      layers: (image.dockerImageLayers ?? []).map((l) => l.name),
      config: image.dockerImageMetadata?.Id?.startsWith('sha') ? image.dockerImageMetadata.Id : undefined,
      children: (image.dockerImageManifests ?? []).map((m) => m.digest),
    });
  }
  const streams = (await client.resource(kinds.imageStreams).list(undefined)).items;
  const uses = { tags: new Set<string>(), images: new Set<string>() };
  for (const workload of workloads) {
    for (const object of (await client.resource(workload).list(undefined)).items) {
      const spec = podSpecOf(object, workload.kind);
      for (const list of ['initContainers', 'containers']) {
        for (const container of (spec?.[list] ?? []) as { image?: string }[]) {
          const use = typeof container.image === 'string' ? useOf(container.image) : undefined;
          if (use) (use.kind === 'tag' ? uses.tags : uses.images).add(use.key);
        }
      }
    }
  }
  return { stored, streams, images, uses };
}

/** A two-column table of what goes and its size. */
function sizeTable(what: string, rows: readonly (readonly [string, number])[]): string {
  const columnDefinitions = [what, 'Size'].map((name) => ({ name, priority: 0 as const }));
  return formatTable([{ columnDefinitions, rows: rows.map(([name, size]) => ({ cells: [name, humanSize(size)] })) }], { wide: false });
}

/** Every blob the registry holds, page by page. */
async function listStoredBlobs(client: ApiClient): Promise<StoredBlob[]> {
  const all: StoredBlob[] = [];
  let page: string | undefined;
  do {
    const response = await client.storedBlobs(page);
    if (response.status !== 200)
      throw new CliError(`could not list the registry's blobs: it answered ${response.status} ${response.body.toString().slice(0, 200)}`);
    all.push(...(JSON.parse(response.body.toString('utf8')) as { blobs: StoredBlob[] }).blobs);
    page = /^<([^>]+)>;\s*rel="next"$/.exec(String(response.headers.link ?? ''))?.[1];
  } while (page !== undefined);
  return all;
}

async function apply(context: CommandContext, plan: ReturnType<typeof planPrune>, blobs: readonly string[], keepYoungerThanMs: number): Promise<void> {
  const client = context.client();
  const streams = client.resource(kinds.imageStreams);
  const progress = context.progress({
    task: 'Pruning image streams, images and blobs',
    total: plan.streams.length + plan.images.length + blobs.length,
    plain: 'steps',
  });
  let skipped = 0;
  let keptImages = 0;
  try {
    for (const stream of plan.streams) {
      for (let attempt = 0; ; attempt++) {
        const current = await streams.get(stream.namespace, stream.name);
        current.status = { ...current.status, tags: withoutPrunedRevisions(current.status?.tags ?? [], stream) };
        try {
          await streams.updateStatus(stream.namespace, stream.name, current);
          progress.tick(`${stream.namespace}/${stream.name}`);
          break;
        } catch (error) {
          if (!(error instanceof ServerError && error.status === 409) || attempt >= 5) throw error;
        }
      }
    }
    // Manifest lists first: the server keeps an Image while a list that exists references it.
    for (const image of [...plan.images].sort((a, b) => Number(b.children.length > 0) - Number(a.children.length > 0))) {
      await client
        .resource(kinds.images)
        .delete(undefined, image.name)
        .catch((error: unknown) => {
          // 409: the server keeps it, since a push tagged it or is recording it after the lists were read.
          if (error instanceof ServerError && error.status === 409) keptImages += 1;
          else if (!(error instanceof ServerError && error.status === 404)) throw error;
        });
      progress.tick(image.name);
    }
    for (const blob of blobs) {
      const response = await client.deleteBlob(blob, Math.floor(keepYoungerThanMs / 1000));
      if (response.status === 409) skipped += 1;
      else if (response.status >= 300)
        throw new CliError(`could not delete blob ${blob}: the registry answered ${response.status} ${response.body.toString().slice(0, 200)}`);
      progress.tick(blob);
    }
  } catch (error) {
    // The live line goes, so that the error reads on a clean line.
    progress.finish();
    throw error;
  }
  const revisions = plan.streams.reduce((n, s) => n + s.removed.length, 0);
  const kept = [keptImages ? `${keptImages} images a push tagged or is recording` : '', skipped ? `${skipped} blobs still in use or written recently` : ''];
  progress.finish(
    `pruned ${revisions} tag revisions, ${plan.images.length - keptImages} images and ${blobs.length - skipped} blobs in ${progress.elapsed()}` +
      (keptImages || skipped ? `; kept ${kept.filter(Boolean).join(' and ')}` : ''),
  );
}
