// The annotations Imagestream keeps on a stream for its own bookkeeping, which OpenShift has not:
// named once here, so the importer writes them and the CLI leaves them out of what it describes.

/** Which secrets the latest import of the stream used, by name (never their content). */
export const importSecretsAnnotation = 'imagestream.io/import-secrets';

/** Where the importer remembers which upstream digest each tag was imported from. */
export const sourceDigestsAnnotation = 'imagestream.io/source-digests';

/**
 * On a tag history item: what put the image there — `push`, `import-image`, `tag` (the import of a
 * spec tag just set), `schedule` or `webhook <receiver>`.
 */
export const causeAnnotation = 'imagestream.io/cause';

export const bookkeepingAnnotations: readonly string[] = [importSecretsAnnotation, sourceDigestsAnnotation];
