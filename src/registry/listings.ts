// Listings: a repository's tags, the catalog of repositories (both with `n`/`last` and a Link to
// the next page), and the referrers of a manifest.
import { repositoryStream } from './push-image.ts';
import type { RegistryContext } from './registry-context.ts';
import type { Repository } from './repository-name.ts';
import { AppError } from '../errors.ts';
import { parseDigest } from '../image/digest.ts';
import { MediaTypes } from '../image/media-types.ts';

const json = (body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json', ...headers } });

function page(all: readonly string[], url: URL, path: string): { items: string[]; link?: string } {
  const nText = url.searchParams.get('n');
  const last = url.searchParams.get('last');
  if (nText !== null && !/^\d+$/.test(nText))
    throw new AppError('BadRequest', `invalid number of results requested: n must be a whole number, not "${nText.slice(0, 20)}"`, {
      ociCode: 'PAGINATION_NUMBER_INVALID',
    });
  const sorted = [...all].sort();
  const start = last ? sorted.findIndex((item) => item > last) : 0;
  const rest = start < 0 ? [] : sorted.slice(start);
  const n = nText === null ? rest.length : Number(nText);
  const items = rest.slice(0, n);
  const more = rest.length > n && items.length > 0;
  return { items, link: more ? `<${path}?n=${n}&last=${encodeURIComponent(items.at(-1)!)}>; rel="next"` : undefined };
}

export async function listTags(context: RegistryContext, url: URL, repository: Repository): Promise<Response> {
  await context.access.require(context.caller, 'pull', repository);
  const stream = await repositoryStream(context, repository);
  if (!stream) throw new AppError('NotFound', `repository name not known to registry: ${repository.path}`, { ociCode: 'NAME_UNKNOWN' });
  const tags = (stream.status?.tags ?? []).filter((t) => t.items?.some((i) => i.image)).map((t) => t.tag);
  const { items, link } = page(tags, url, `/v2/${repository.path}/tags/list`);
  return json({ name: repository.path, tags: items }, link ? { link } : {});
}

export async function listCatalog(context: RegistryContext, url: URL): Promise<Response> {
  await context.access.require(context.caller, 'catalog');
  const all = await context.store.list('image.openshift.io/imagestreams/');
  const names = all.items.map((item) => {
    const meta = (item.value as { metadata: { namespace: string; name: string } }).metadata;
    return `${meta.namespace}/${meta.name}`;
  });
  const { items, link } = page(names, url, '/v2/_catalog');
  return json({ repositories: items }, link ? { link } : {});
}

export async function listReferrers(context: RegistryContext, url: URL, repository: Repository, digest: string): Promise<Response> {
  parseDigest(digest);
  await context.access.require(context.caller, 'pull', repository);
  const artifactType = url.searchParams.get('artifactType');
  let manifests = await context.links.referrers(repository, digest);
  const headers: Record<string, string> = { 'content-type': MediaTypes.ociIndex };
  if (artifactType) {
    manifests = manifests.filter((m) => m.artifactType === artifactType);
    headers['oci-filters-applied'] = 'artifactType';
  }
  return new Response(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests }), { status: 200, headers });
}
