// image.openshift.io/v1 imagestreamimports (create only, SPEC §1.7, §2.4): imports images from other
// registries with the namespace's pull secrets, and (unless `import: false`) records the results
// on the stream: tag events for what worked, ImportSuccess=False conditions for what did not.
import type { KubeObject } from '../../kube/object.ts';
import type { ResourceDefinition, StorageDeps } from '../resource-definition.ts';
import type { RequestContext, RestStorage } from '../rest-storage.ts';
import type { ImageImportSpec, ImportOutcome } from '../../streams/stream-imports.ts';
import type { ImportStatus } from '../../streams/import-results.ts';
import { imageGroup } from './images.ts';
import { imageStreamImportSchema } from './image-import-openapi.ts';
import { AppError, invalid, type FieldCause } from '../../errors.ts';
import { isPlainObject } from '../../kube/object.ts';
import { parseImageReference, referenceProblem } from '../../image/reference.ts';
import { StreamImports, withoutManifest } from '../../streams/stream-imports.ts';
import { storedStreams } from '../stored-streams.ts';
import { imageStreamImportSpecSchema } from '../schemas/image-types.ts';

type ImageSpec = ImageImportSpec;

export const imagestreamimports: ResourceDefinition = {
  group: imageGroup,
  version: 'v1',
  kind: 'ImageStreamImport',
  resource: 'imagestreamimports',
  singular: 'imagestreamimport',
  shortNames: ['isimport'],
  namespaced: true,
  verbs: ['create'],
  openApi: imageStreamImportSchema,
  nameRule: 'path-segment',
  fields: ['spec', 'status'],
  schema: { spec: imageStreamImportSpecSchema },
  storage: (deps) => importStorage(deps),
};

function validate(body: KubeObject): { images: ImageSpec[]; repository?: ImageSpec } {
  const spec = isPlainObject(body.spec) ? body.spec : {};
  const causes: FieldCause[] = [];
  const imagesSpec = (Array.isArray(spec.images) ? spec.images : []) as ImageSpec[];
  const repository = isPlainObject(spec.repository) ? (spec.repository as unknown as ImageSpec) : undefined;
  if (imagesSpec.length === 0 && !repository)
    causes.push({ reason: 'FieldValueRequired', field: 'spec.images', message: 'you must specify at least one image or a repository import' });
  imagesSpec.forEach((image, i) => {
    if (image.from?.kind !== 'DockerImage')
      causes.push({ reason: 'FieldValueInvalid', field: `spec.images[${i}].from.kind`, message: 'only DockerImage is supported' });
    else if (!image.from.name) causes.push({ reason: 'FieldValueRequired', field: `spec.images[${i}].from.name`, message: '' });
    else {
      // Refused here, before anything is fetched or a spec tag is stored that no import could ever satisfy.
      const problem = typeof image.from.name === 'string' ? referenceProblem(image.from.name) : 'must be a string';
      if (problem)
        causes.push({
          reason: 'FieldValueInvalid',
          field: `spec.images[${i}].from.name`,
          message: `${JSON.stringify(String(image.from.name).slice(0, 200))}: ${problem}`,
        });
    }
    if (image.to && !image.to.name)
      causes.push({ reason: 'FieldValueRequired', field: `spec.images[${i}].to.name`, message: 'the name of the target tag must be specified' });
    const mode = image.importPolicy?.importMode;
    if (mode && mode !== 'Legacy' && mode !== 'PreserveOriginal')
      causes.push({
        reason: 'FieldValueInvalid',
        field: `spec.images[${i}].importPolicy.importMode`,
        message: "invalid import mode, valid modes are '', 'Legacy', 'PreserveOriginal'",
      });
  });
  if (repository) {
    if (repository.from?.kind !== 'DockerImage')
      causes.push({ reason: 'FieldValueInvalid', field: 'spec.repository.from.kind', message: 'only DockerImage is supported' });
    else {
      try {
        const ref = parseImageReference(repository.from.name);
        if (ref.tag || ref.id)
          causes.push({ reason: 'FieldValueInvalid', field: 'spec.repository.from.name', message: 'you must specify an image repository, not a tag or ID' });
      } catch {
        causes.push({ reason: 'FieldValueInvalid', field: 'spec.repository.from.name', message: 'the provided repository name is not valid' });
      }
    }
  }
  if (causes.length > 0) throw invalid('ImageStreamImport', body.metadata?.name ?? '', causes, imageGroup);
  return {
    images: imagesSpec.map((image) => {
      if (image.to?.name) return image;
      try {
        const tag = parseImageReference(image.from.name).tag;
        return tag ? { ...image, to: { name: tag } } : image;
      } catch {
        return image;
      }
    }),
    repository,
  };
}

/** The import engine acting as the caller, so its writes pass the same admission as theirs. */
export function streamImportsFor(deps: StorageDeps, context: RequestContext): StreamImports {
  return new StreamImports({ streams: storedStreams(deps.resources, context), store: deps.store, clock: deps.clock, services: deps.services });
}

function importStorage(deps: StorageDeps): RestStorage {
  return {
    async create(context, body) {
      const name = body.metadata?.name ?? '';
      if (!context.namespace) throw new AppError('BadRequest', 'a namespace must be specified to import images');
      const spec = validate(body);
      const record = isPlainObject(body.spec) && body.spec.import === true;
      const report = await streamImportsFor(deps, context).importImages(
        {
          namespace: context.namespace,
          name,
          images: spec.images,
          repository: spec.repository,
          record,
          expected: { resourceVersion: body.metadata?.resourceVersion, uid: body.metadata?.uid },
          cause: 'import-image',
        },
        context.signal,
      );
      const statusOf = (outcome: ImportOutcome) =>
        outcome.failure
          ? { ...outcome.failure, kind: 'Status', apiVersion: 'v1', metadata: {} }
          : { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 };
      const present = (outcome: ImportOutcome, includeManifest: boolean | undefined) =>
        outcome.result ? (includeManifest ? outcome.result.image : withoutManifest(outcome.result.image)) : undefined;
      const repositoryStatus: ImportStatus | undefined = report.repository?.status;
      return {
        apiVersion: `${imageGroup}/v1`,
        kind: 'ImageStreamImport',
        metadata: { name, namespace: context.namespace },
        spec: body.spec,
        status: {
          ...(report.stream && record ? { import: report.stream } : {}),
          images: report.images.map((r) => ({
            tag: r.spec.to?.name,
            status: statusOf(r.outcome),
            image: present(r.outcome, r.spec.includeManifest),
            ...(r.outcome.result?.children.length ? { manifests: r.outcome.result.children.map(withoutManifest) } : {}),
          })),
          ...(report.repository
            ? {
                repository: {
                  status: { kind: 'Status', apiVersion: 'v1', metadata: {}, ...repositoryStatus },
                  images: report.repository.images.map((r) => ({ tag: r.tag, status: statusOf(r.outcome), image: present(r.outcome, false) })),
                  additionalTags: report.repository.additionalTags,
                },
              }
            : {}),
        },
      } as KubeObject;
    },
  };
}
