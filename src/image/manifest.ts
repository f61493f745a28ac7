// Parses and checks image manifests and indexes (Docker schema 2, manifest list, OCI manifest,
// OCI index, artifacts). Keeps the exact bytes elsewhere: this only reads them.
import { AppError } from '../errors.ts';
import { MediaTypes, isIndexMediaType, manifestMediaTypes } from './media-types.ts';
import { parseDigest } from './digest.ts';

export interface Platform {
  readonly architecture: string;
  readonly os: string;
  readonly variant?: string;
}

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly artifactType?: string;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly platform?: Platform;
}

interface Common {
  readonly mediaType: string;
  readonly subject?: Descriptor;
  readonly artifactType?: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface ImageManifest extends Common {
  readonly kind: 'image';
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
}

export interface ManifestIndex extends Common {
  readonly kind: 'index';
  readonly manifests: readonly Descriptor[];
}

export type Manifest = ImageManifest | ManifestIndex;

/** Largest manifest accepted, as the distribution registry. */
export const maxManifestBytes = 4 * 1024 * 1024;

const invalid = (message: string) => new AppError('BadRequest', message, { ociCode: 'MANIFEST_INVALID' });

/**
 * Parses `bytes` sent with `contentType`. The manifest's own mediaType, when present, must agree
 * with the Content-Type; without one, the Content-Type (or the shape) decides.
 */
export function parseManifest(bytes: Uint8Array, contentType: string | null): Manifest {
  if (bytes.byteLength > maxManifestBytes) throw new AppError('TooLarge', `manifest is larger than ${maxManifestBytes} bytes`, { ociCode: 'SIZE_INVALID' });
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    // Not the parser's message: it quotes the content, which for an import is another registry's.
    throw invalid('manifest is not valid JSON');
  }
  if (!isObject(body)) throw invalid('manifest must be a JSON object');
  // A mediaType of another JSON type is not an absent one: the manifest is malformed.
  for (const field of ['mediaType', 'artifactType'] as const) {
    if (body[field] !== undefined && typeof body[field] !== 'string') throw invalid(`manifest ${field} must be a string, not ${jsonType(body[field])}`);
  }
  const declared = body.mediaType as string | undefined;
  const sent = contentType?.split(';')[0].trim().toLowerCase();
  if (
    body.schemaVersion === 1 ||
    declared === MediaTypes.dockerSchema1 ||
    declared === MediaTypes.dockerSchema1Signed ||
    sent === MediaTypes.dockerSchema1 ||
    sent === MediaTypes.dockerSchema1Signed
  ) {
    throw invalid('Docker schema 1 manifests are not supported: push the image as Docker schema 2 or OCI (for example with skopeo copy --format v2s2)');
  }
  if (body.schemaVersion !== 2) throw invalid('manifest schemaVersion must be 2');
  const sentIsManifest = sent !== undefined && manifestMediaTypes.includes(sent);
  if (declared && sentIsManifest && declared !== sent) throw invalid(`manifest mediaType "${declared}" does not match the Content-Type "${sent}"`);
  const mediaType = declared ?? (sentIsManifest ? sent : Array.isArray(body.manifests) ? MediaTypes.ociIndex : MediaTypes.ociManifest);
  if (!manifestMediaTypes.includes(mediaType)) throw invalid(`unsupported manifest mediaType "${mediaType}"`);
  const common: Common = {
    mediaType,
    subject: body.subject === undefined ? undefined : descriptor(body.subject, 'subject'),
    artifactType: body.artifactType as string | undefined,
    annotations: stringMap(body.annotations, 'annotations'),
  };
  if (isIndexMediaType(mediaType)) {
    if (!Array.isArray(body.manifests)) throw invalid('an index must have a "manifests" list');
    return { kind: 'index', ...common, manifests: body.manifests.map((m, i) => descriptor(m, `manifests[${i}]`)) };
  }
  if (body.config === undefined) throw invalid('an image manifest must have a "config" descriptor');
  const layers = body.layers ?? [];
  if (!Array.isArray(layers)) throw invalid('"layers" must be a list');
  return { kind: 'image', ...common, config: descriptor(body.config, 'config'), layers: layers.map((l, i) => descriptor(l, `layers[${i}]`)) };
}

function descriptor(value: unknown, where: string): Descriptor {
  if (!isObject(value)) throw invalid(`${where} must be a descriptor object`);
  if (value.mediaType !== undefined && typeof value.mediaType !== 'string')
    throw invalid(`${where}.mediaType must be a string, not ${jsonType(value.mediaType)}`);
  if (typeof value.mediaType !== 'string' || value.mediaType === '') throw invalid(`${where}.mediaType is required`);
  if (value.artifactType !== undefined && typeof value.artifactType !== 'string')
    throw invalid(`${where}.artifactType must be a string, not ${jsonType(value.artifactType)}`);
  if (typeof value.digest !== 'string') throw invalid(`${where}.digest is required`);
  try {
    parseDigest(value.digest);
  } catch (error) {
    throw invalid(`${where}.digest: ${(error as Error).message}`);
  }
  if (typeof value.size !== 'number' || !Number.isSafeInteger(value.size) || value.size < 0) throw invalid(`${where}.size must be a non-negative integer`);
  let platform: Platform | undefined;
  if (value.platform !== undefined) {
    if (!isObject(value.platform) || typeof value.platform.architecture !== 'string' || typeof value.platform.os !== 'string')
      throw invalid(`${where}.platform needs architecture and os`);
    platform = {
      architecture: value.platform.architecture,
      os: value.platform.os,
      variant: typeof value.platform.variant === 'string' ? value.platform.variant : undefined,
    };
  }
  return {
    mediaType: value.mediaType,
    digest: value.digest,
    size: value.size,
    artifactType: typeof value.artifactType === 'string' ? value.artifactType : undefined,
    annotations: stringMap(value.annotations, `${where}.annotations`),
    platform,
  };
}

function stringMap(value: unknown, where: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value) || Object.values(value).some((v) => typeof v !== 'string')) throw invalid(`${where} must be a map of strings`);
  return value as Record<string, string>;
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every blob an image manifest names (config first, then layers). */
export function referencedBlobs(manifest: ImageManifest): Descriptor[] {
  return [manifest.config, ...manifest.layers];
}
