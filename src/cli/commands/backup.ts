// `ims adm backup --to FILE`: a consistent snapshot of the server's store, taken by the running
// server (its SQLite online backup) and streamed here over HTTP. The file is written beside FILE
// and renamed into place only when every byte arrived, owner-only: it holds every secret.
import { createWriteStream, renameSync, rmSync, openSync, readSync, closeSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Command, CommandContext } from '../command.ts';
import { CliError } from '../cli-error.ts';
import { errorFrom } from '../api-client.ts';
import { humanSize } from '../output/human.ts';

const sqliteMagic = 'SQLite format 3\0';

export const admBackup: Command = {
  path: 'adm backup',
  summary: "Save a consistent snapshot of the server's store to a file while it runs",
  usage: 'ims adm backup --to FILE',
  examples: `  # Snapshot the store (cluster-admin only), then copy the blobs, in that order
  ims adm backup --to ims-backup.db
  cp -a ims-data/blobs/blobs ims-backup-blobs

  # Restore both into a new data dir, and serve it
  mkdir -m 700 restored restored/blobs
  cp ims-backup.db restored/store.db && cp -a ims-backup-blobs restored/blobs/blobs
  ims serve --data-dir restored

  # A server on --store etcd is backed up with etcd's own tool instead
  etcdctl --endpoints http://127.0.0.1:2379 snapshot save ims-etcd.db`,
  flags: [{ name: 'to', type: 'string', help: 'the file to write, owner-only (it holds every secret); replaced if it exists', placeholder: 'FILE' }],
  async run(context) {
    const file = context.args.strings.get('to');
    if (!file) throw new CliError('a file to write is required: ims adm backup --to FILE');
    // The server takes the snapshot, then streams it: on a terminal, the time it takes is shown live.
    const waiting = context.progress({ task: `backing up the store to ${file}`, plain: 'quiet' });
    let written: Awaited<ReturnType<typeof writeBackup>>;
    try {
      written = await writeBackup(context, file);
    } finally {
      waiting.finish();
    }
    context.out(`Backed up the store at resourceVersion ${String(written.resourceVersion)} to ${file} (${humanSize(written.received)}).\n`);
    if (typeof written.blobs === 'string') {
      context.out(`The blobs are not in it: copy ${written.blobs} from the server's machine now, after this snapshot (see the README, "Backups").\n`);
    }
  },
};

/** Streams the server's snapshot into `file`, whole or not at all. */
async function writeBackup(context: CommandContext, file: string) {
  const answer = await context.client().backup();
  if (answer.statusCode !== 200) {
    const chunks: Buffer[] = [];
    for await (const chunk of answer) chunks.push(chunk as Buffer);
    throw errorFrom({ status: answer.statusCode ?? 0, headers: answer.headers, body: Buffer.concat(chunks) });
  }
  const expected = Number(answer.headers['content-length']);
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  let received = 0;
  answer.on('data', (chunk: Buffer) => (received += chunk.byteLength));
  try {
    await pipeline(answer, createWriteStream(partial, { flags: 'wx', mode: 0o600 }));
    if (!Number.isFinite(expected) || received !== expected)
      throw new CliError(
        `the backup was cut short (${received} of ${Number.isFinite(expected) ? expected : 'unknown'} bytes); ${file} was not written, try again`,
      );
    if (!startsWith(partial, sqliteMagic)) throw new CliError(`the server sent something that is not a SQLite database; ${file} was not written`);
    renameSync(partial, file);
  } catch (error) {
    rmSync(partial, { force: true });
    if (error instanceof CliError) throw error;
    throw new CliError(`the backup was cut short: ${(error as Error).message}; ${file} was not written, try again`);
  }
  return { resourceVersion: answer.headers['x-ims-resource-version'], blobs: answer.headers['x-ims-blobs-dir'], received };
}

function startsWith(path: string, text: string): boolean {
  const expected = Buffer.from(text, 'latin1');
  const head = Buffer.alloc(expected.length);
  const fd = openSync(path, 'r');
  try {
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(expected);
  } finally {
    closeSync(fd);
  }
}
