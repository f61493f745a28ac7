// The Table columns of image streams, their tags and their images, as oc 4 prints them (the image
// printers of openshift-apiserver): relative times in words, and a stream's tags cut to a width.
// Columns only: what the objects hold is the resource definitions' business.
import type { TableDefinition } from '../resource-definition.ts';
import type { ImageStream, ImageStreamImage, ImageStreamTag, NamedTagEventList } from '../../kube/kinds/image.ts';
import { wordedAgo } from '../../kube/human-duration.ts';

/** How many characters oc budgets for a stream's TAGS. */
const tagsWidth = 40;

export const imageStreamTable: TableDefinition<ImageStream> = {
  columns: [
    { name: 'Image Repository', type: 'string', description: 'Where images of this stream are pulled from.', priority: 0 },
    { name: 'Tags', type: 'string', description: 'Human readable list of tags.', priority: 0 },
    { name: 'Updated', type: 'string', description: 'Last update time.', priority: 0 },
  ],
  cells: (stream, now) => {
    const latest = Math.max(0, ...(stream.status?.tags ?? []).map(createdOf));
    // The public pull spec wins; a stream without status still shows what it imports from.
    const repository = stream.status?.publicDockerImageRepository || stream.spec?.dockerImageRepository || stream.status?.dockerImageRepository || '';
    return [repository, tagsUpToWidth(stream.status?.tags ?? [], tagsWidth), latest ? wordedAgo(new Date(latest).toISOString(), now) : ''];
  },
  noAge: true,
};

export const imageStreamTagTable: TableDefinition<ImageStreamTag> = {
  columns: [
    { name: 'Image Reference', type: 'string', description: 'The pull spec of the current image.', priority: 0 },
    { name: 'Updated', type: 'string', description: 'Last update time.', priority: 0 },
    { name: 'Image Name', type: 'string', description: 'The digest of the current image.', priority: 1 },
  ],
  cells: (tag, now) => [tag.image?.dockerImageReference ?? '', wordedAgo(tag.metadata?.creationTimestamp, now), tag.image?.metadata?.name ?? ''],
  noAge: true,
};

export const imageStreamImageTable: TableDefinition<ImageStreamImage> = {
  columns: [
    { name: 'Updated', type: 'string', description: 'Last update time.', priority: 0 },
    { name: 'Image Reference', type: 'string', description: 'The pull spec of the image.', priority: 1 },
    { name: 'Image Name', type: 'string', description: 'The digest of the image.', priority: 1 },
  ],
  cells: (view, now) => [wordedAgo(view.metadata?.creationTimestamp, now), view.image?.dockerImageReference ?? '', view.image?.metadata?.name ?? ''],
  noAge: true,
};

/** When a tag last changed, to the second (as the API serializes it); 0 for a tag without history. */
function createdOf(tag: NamedTagEventList): number {
  const created = tag.items?.[0]?.created;
  return created ? Math.round(Date.parse(created) / 1000) * 1000 : 0;
}

/**
 * The tags most recently changed first (ties by name), as many as fit in `width` characters with
 * their commas, and `+ N more...` for the rest. The first tag always shows. The line may run over by
 * up to a quarter of the width when stopping short would leave more than a quarter of it empty.
 */
export function tagsUpToWidth(tags: readonly NamedTagEventList[], width: number): string {
  const names = [...tags].sort((a, b) => createdOf(b) - createdOf(a) || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0)).map((t) => t.tag);
  const slack = Math.floor(width / 4);
  let left = width;
  let shown = names.length;
  for (let i = 0; i < names.length; i++) {
    const before = left;
    left -= names[i].length + 1;
    if (left >= 0) continue;
    if (i === 0) {
      shown = 1;
      break;
    }
    if (before - 1 > slack && -left <= slack) continue;
    shown = i;
    break;
  }
  const hidden = names.length - shown;
  return names.slice(0, shown).join(',') + (hidden > 0 ? ` + ${hidden} more...` : '');
}
