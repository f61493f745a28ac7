// The annotations Imagestream keeps on a stream for its own bookkeeping, which OpenShift has not:
// named once here, so the importer writes them and the CLI leaves them out of what it describes.

/** Which secrets the latest import of the stream used, by name (never their content). */
export const importSecretsAnnotation = 'imagestream.io/import-secrets';

/** Where the importer remembers which upstream digest each tag was imported from. */
export const sourceDigestsAnnotation = 'imagestream.io/source-digests';

export const bookkeepingAnnotations: readonly string[] = [importSecretsAnnotation, sourceDigestsAnnotation];
