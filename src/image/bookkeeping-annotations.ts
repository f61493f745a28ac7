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

/**
 * While a repository import (`import-image --all`) runs: how far it is, as JSON `{"done":12,"total":50,"tag":"v1.2"}`,
 * written with each batch of tags it records so that a watcher of the stream can show progress.
 * The import's last write removes it, and so does any later import.
 */
export const importProgressAnnotation = 'imagestream.io/import-progress';

export interface ImportProgress {
  readonly done: number;
  readonly total: number;
  /** The tag imported last. */
  readonly tag: string;
}

export const bookkeepingAnnotations: readonly string[] = [importSecretsAnnotation, sourceDigestsAnnotation, importProgressAnnotation];
