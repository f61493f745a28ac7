// `describe is/NAME` and `describe istag/STREAM:TAG` laid out as oc lays them out (SPEC §5).
import type { Image, ImageStream, NamedTagEventList, TagReference } from '../../kube/kinds/image.ts';
import { humanSize, labelled } from '../output/human.ts';
import { humanDuration, wordedAgo as ago } from '../../kube/human-duration.ts';
import { observedGeneration } from '../../image/image-stream.ts';
import { prioritizedTags } from '../../image/tag-priority.ts';
import { bookkeepingAnnotations, causeAnnotation } from '../../image/bookkeeping-annotations.ts';
import { deferredReason, nextAttemptOf, withoutNextAttempt } from '../../image/next-attempt.ts';

/** Shown as Description, or Imagestream's own bookkeeping that oc users never see. */
const hidden = ['description', ...bookkeepingAnnotations];

const sortedPairs = (map: Record<string, string> | undefined, skip: string[] = []) =>
  Object.entries(map ?? {})
    .filter(([k]) => !skip.includes(k))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');

export function describeImageStream(stream: ImageStream, now: Date): string {
  const annotations = stream.metadata.annotations ?? {};
  const rows: [string, string][] = [['Name:', stream.metadata.name]];
  if (stream.metadata.namespace) rows.push(['Namespace:', stream.metadata.namespace]);
  rows.push(['Created:', ago(stream.metadata.creationTimestamp, now)], ['Labels:', sortedPairs(stream.metadata.labels)]);
  if (annotations.description) rows.push(['Description:', annotations.description]);
  rows.push(['Annotations:', sortedPairs(annotations, hidden)]);
  rows.push(['Image Repository:', stream.status?.publicDockerImageRepository || stream.status?.dockerImageRepository || '']);
  rows.push(['Image Lookup:', `local=${Boolean(stream.spec.lookupPolicy?.local)}`]);
  const specTags = stream.spec.tags ?? [];
  const statusTags = stream.status?.tags ?? [];
  if (specTags.length === 0 && statusTags.length === 0) {
    rows.push(['Tags:', '<none>']);
    return labelled(rows);
  }
  const unique = new Set(statusTags.flatMap((t) => (t.items ?? []).map((i) => i.image)));
  const names = new Set([...statusTags.map((t) => t.tag), ...specTags.map((t) => t.name)]);
  rows.push(['Unique Images:', String(unique.size)], ['Tags:', String(names.size)]);
  const aliasesOf = new Map<string, string[]>();
  for (const spec of specTags) {
    if (spec.from?.kind !== 'ImageStreamTag' || (spec.from.namespace && spec.from.namespace !== stream.metadata.namespace)) continue;
    const from = spec.from.name.includes(':') ? spec.from.name.split(':') : [stream.metadata.name, spec.from.name];
    if (from[0] !== stream.metadata.name) continue;
    aliasesOf.set(from[1], [...(aliasesOf.get(from[1]) ?? []), spec.name]);
  }
  const aliases = new Set([...aliasesOf.values()].flat());
  const sections: string[] = [];
  for (const name of prioritizedTags([...names])) {
    if (aliases.has(name) && names.has(aliasesOfSource(specTags, name, stream) ?? '')) continue;
    sections.push(
      describeTag(
        stream,
        name,
        specTags.find((t) => t.name === name),
        statusTags.find((t) => t.tag === name),
        aliasesOf.get(name) ?? [],
        now,
      ),
    );
  }
  return `${labelled(rows)}\n${sections.join('\n')}`;
}

function aliasesOfSource(specTags: TagReference[], alias: string, stream: ImageStream): string | undefined {
  const from = specTags.find((t) => t.name === alias)?.from?.name;
  if (!from) return undefined;
  return from.includes(':') ? (from.startsWith(`${stream.metadata.name}:`) ? from.split(':')[1] : undefined) : from;
}

function describeTag(
  stream: ImageStream,
  name: string,
  spec: TagReference | undefined,
  status: NamedTagEventList | undefined,
  aliases: string[],
  now: Date,
): string {
  const lines = [aliases.length ? `${name} (${aliases.join(', ')})` : name];
  if (!spec) lines.push('  no spec tag');
  else if (!spec.from) lines.push('  tag without source image');
  else {
    const from = spec.from.namespace && spec.from.namespace !== stream.metadata.namespace ? `${spec.from.namespace}/${spec.from.name}` : spec.from.name;
    const scheduled = spec.importPolicy?.scheduled;
    if (spec.from.kind === 'ImageStreamTag')
      lines.push(spec.reference ? `  reference to ${from}` : scheduled ? `  updates automatically from ${from}` : `  tagged from ${from}`);
    else if (spec.from.kind === 'DockerImage')
      lines.push(spec.reference ? `  reference to registry ${from}` : scheduled ? `  updates automatically from registry ${from}` : `  tagged from ${from}`);
    else lines.push(spec.reference ? `  reference to image ${from}` : `  tagged from ${from}`);
    if (spec.importPolicy?.insecure) lines.push('    will use insecure HTTPS or HTTP connections');
    if (spec.referencePolicy?.type === 'Local') lines.push('    prefer registry pullthrough when referencing this tag');
  }
  lines.push('');
  const notes = tagNotes(spec?.annotations ?? {});
  if (notes.length) lines.push(...notes, '');
  const items = status?.items ?? [];
  if (spec && !spec.reference && spec.from?.kind === 'DockerImage' && (spec.generation ?? 0) > observedGeneration(stream, name))
    lines.push('  ~ importing latest image ...');
  for (const condition of status?.conditions ?? []) {
    if (condition.type !== 'ImportSuccess' || condition.status !== 'False') continue;
    const message = withoutNextAttempt(condition.message);
    const deferred = condition.reason === deferredReason;
    lines.push(
      deferred ? `  ! ${message}` : `  ! error: Import failed (${condition.reason ?? 'Unknown'}): ${message}`,
      `      ${ago(condition.lastTransitionTime, now)}`,
    );
    const next = nextAttemptOf(condition.message);
    if (next) lines.push(`      Next attempt: ${nextAttemptText(next, now)} (${deferred ? 'when the registry allows' : 'retrying with backoff'})`);
  }
  items.forEach((item, i) => {
    lines.push(`  ${i === 0 ? '*' : ' '} ${item.dockerImageReference}`);
    const id = item.dockerImageReference.includes('@') ? item.dockerImageReference.slice(item.dockerImageReference.indexOf('@') + 1) : '';
    const cause = item.annotations?.[causeAnnotation];
    lines.push(`      ${ago(item.created, now)}${item.image && id !== item.image ? `\t${item.image}` : ''}${cause ? `\tcaused by ${cause}` : ''}`);
  });
  return lines.join('\n') + '\n';
}

/** The spec tag annotations oc shows under a tag, as the OpenShift samples' streams set them. */
function tagNotes(annotations: Record<string, string>): string[] {
  // oc splits the lists on bare commas and joins them with ", ", spaces kept as written.
  const list = (value: string) => value.split(',').join(', ');
  const notes: string[] = [];
  if (annotations.description) notes.push(`  ${annotations.description}`);
  if (annotations.tags) notes.push(`  Tags: ${list(annotations.tags)}`);
  if (annotations.supports) notes.push(`  Supports: ${list(annotations.supports)}`);
  if (annotations.sampleRepo) notes.push(`  Example Repo: ${annotations.sampleRepo}`);
  return notes;
}

/** `in 4m12s`, or `due now` once the time has come (the scheduler picks it up at its next round). */
function nextAttemptText(at: Date, now: Date): string {
  const wait = at.getTime() - now.getTime();
  return wait > 0 ? `in ${humanDuration(wait)}` : 'due now';
}

/** What oc says of a time it never got: `time.Now().Sub(time.Time{})` is the longest Go duration. */
const zeroTimeAgo = '292 years ago';

export function describeImage(image: Image, name: string, now: Date): string {
  const meta = image.dockerImageMetadata ?? {};
  const rows: [string, string][] = [
    ['Image Name:', name],
    ['Docker Image:', image.dockerImageReference ?? ''],
    ['Name:', image.metadata?.name ?? ''],
  ];
  if (image.metadata?.creationTimestamp) rows.push(['Created:', ago(image.metadata.creationTimestamp, now)]);
  if (image.metadata?.labels && Object.keys(image.metadata.labels).length) rows.push(['Labels:', sortedPairs(image.metadata.labels)]);
  const annotations = image.metadata?.annotations ?? {};
  if (annotations.description) rows.push(['Description:', annotations.description]);
  if (Object.keys(annotations).some((k) => !hidden.includes(k))) rows.push(['Annotations:', sortedPairs(annotations, hidden)]);
  const layers = image.dockerImageLayers ?? [];
  if (layers.length === 0) rows.push(['Layer Size:', humanSize(meta.Size ?? 0)]);
  else {
    rows.push(['Image Size:', `${humanSize(meta.Size ?? 0)} in ${layers.length} layers`]);
    rows.push(['Layers:', layers.map((l) => `${humanSize(l.size)}\t${l.name}`).join('\n')]);
  }
  // oc prints these three whatever the image holds; a manifest list has no config, so its
  // creation time is Go's zero time, which oc's duration arithmetic saturates at 292 years.
  rows.push(['Image Created:', meta.Created ? ago(meta.Created, now) : zeroTimeAgo]);
  rows.push(['Author:', meta.Author ?? ''], ['Arch:', meta.Architecture ?? '']);
  if (image.dockerImageManifests?.length) rows.push(['Manifests:', image.dockerImageManifests.map((m) => `${m.os}/${m.architecture}\t${m.digest}`).join('\n')]);
  const config = meta.Config ?? {};
  if (config.Entrypoint?.length) rows.push(['Entrypoint:', config.Entrypoint.join(' ')]);
  if (config.Cmd?.length || !config.Entrypoint?.length) rows.push(['Command:', (config.Cmd ?? []).join(' ')]);
  rows.push(['Working Dir:', config.WorkingDir ?? ''], ['User:', config.User ?? '']);
  rows.push([
    'Exposes Ports:',
    Object.keys(config.ExposedPorts ?? {})
      .sort()
      .join(', '),
  ]);
  rows.push(['Docker Labels:', sortedPairs(config.Labels)]);
  if (config.Env?.length) rows.push(['Environment:', config.Env.join('\n')]);
  if (config.Volumes && Object.keys(config.Volumes).length) rows.push(['Volumes:', Object.keys(config.Volumes).sort().join(', ')]);
  return labelled(rows);
}
