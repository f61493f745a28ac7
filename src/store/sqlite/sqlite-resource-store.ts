// ResourceStore on an embedded SQLite file (node:sqlite): WAL journal, one transaction per change,
// a store-wide revision counter committed in the same transaction as the change and its history row,
// so an acknowledged write survives a crash and no reader ever sees half a change. The file holds
// secrets, so it and SQLite's files beside it are never readable by anyone but their owner.
import { chmodSync, closeSync, openSync } from 'node:fs';
import { DatabaseSync, backup, type StatementSync } from 'node:sqlite';
import type { ListOptions, ListResult, ResourceStore, StoredObject, StoredValue, WatchEvent, WatchEventType } from '../resource-store.ts';
import { ChangeFeed } from '../change-feed.ts';
import { decodeContinue, encodeContinue } from '../continue-token.ts';
import { keyConflict, keyExists, keyNotFound, parseResourceVersion, tooOldResourceVersion } from '../store-errors.ts';

export interface SqliteResourceStoreOptions {
  /** How many past changes a watch can resume from. */
  readonly historyLimit?: number;
}

const schema = `
CREATE TABLE IF NOT EXISTS objects (key TEXT PRIMARY KEY, value TEXT NOT NULL, rv INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS changes (rv INTEGER PRIMARY KEY, key TEXT NOT NULL, type TEXT NOT NULL, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO counters (name, value) VALUES ('revision', 0), ('compacted', 0);
`;

export class SqliteResourceStore implements ResourceStore {
  private readonly db: DatabaseSync;
  private readonly path: string;
  private readonly feed = new ChangeFeed();
  private readonly historyLimit: number;
  private readonly statements: Record<string, StatementSync>;
  private commitsSinceTrim = 0;

  constructor(path: string, options: SqliteResourceStoreOptions = {}) {
    this.historyLimit = options.historyLimit ?? 10_000;
    // Created owner-only before SQLite opens it, so it is never readable by others, not even for a moment.
    closeSync(openSync(path, 'a', 0o600));
    keepOwnerOnly(path);
    this.path = path;
    this.db = new DatabaseSync(path);
    // FULL: an acknowledged write is on disk before we answer, so a crash or power cut loses nothing.
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000;');
    this.db.exec(schema);
    keepOwnerOnly(path);
    const prepare = (sql: string) => this.db.prepare(sql);
    this.statements = {
      get: prepare('SELECT value, rv FROM objects WHERE key = ?'),
      insert: prepare('INSERT INTO objects (key, value, rv) VALUES (?, ?, ?)'),
      replace: prepare('UPDATE objects SET value = ?, rv = ? WHERE key = ?'),
      remove: prepare('DELETE FROM objects WHERE key = ?'),
      bump: prepare("UPDATE counters SET value = value + 1 WHERE name = 'revision' RETURNING value"),
      revision: prepare("SELECT value FROM counters WHERE name = 'revision'"),
      compacted: prepare("SELECT value FROM counters WHERE name = 'compacted'"),
      setCompacted: prepare("UPDATE counters SET value = max(value, ?) WHERE name = 'compacted'"),
      record: prepare('INSERT INTO changes (rv, key, type, value) VALUES (?, ?, ?, ?)'),
      trim: prepare('DELETE FROM changes WHERE rv <= ?'),
      page: prepare('SELECT key, value, rv FROM objects WHERE key >= ? AND key < ? AND key > ? ORDER BY key LIMIT ?'),
      history: prepare('SELECT rv, key, type, value FROM changes WHERE rv > ? AND key >= ? AND key < ? ORDER BY rv'),
    };
    for (const statement of Object.values(this.statements)) statement.setReadBigInts(true);
  }

  async create(key: string, value: StoredValue): Promise<StoredObject> {
    return this.change(key, (existing) => {
      if (existing) throw keyExists(key);
      return { type: 'ADDED', value };
    });
  }

  async get(key: string): Promise<StoredObject> {
    const row = this.statements.get.get(key) as { value: string; rv: bigint } | undefined;
    if (!row) throw keyNotFound(key);
    return { key, value: JSON.parse(row.value) as StoredValue, resourceVersion: String(row.rv) };
  }

  async update(key: string, value: StoredValue, expectedResourceVersion?: string): Promise<StoredObject> {
    return this.change(key, (existing) => {
      if (!existing) throw keyNotFound(key);
      if (expectedResourceVersion !== undefined && String(existing.rv) !== expectedResourceVersion) throw keyConflict(key);
      return { type: 'MODIFIED', value };
    });
  }

  async delete(key: string, expectedResourceVersion?: string): Promise<StoredObject> {
    return this.change(key, (existing) => {
      if (!existing) throw keyNotFound(key);
      if (expectedResourceVersion !== undefined && String(existing.rv) !== expectedResourceVersion) throw keyConflict(key);
      return { type: 'DELETED', value: JSON.parse(existing.value) as StoredValue };
    });
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    // Read the revision and every page inside one read transaction, so the page is one snapshot.
    this.db.exec('BEGIN');
    try {
      const revision = (this.statements.revision.get() as { value: bigint }).value;
      const items: StoredObject[] = [];
      let after = options.continue ? decodeContinue(options.continue) : '';
      const end = prefixEnd(prefix);
      const want = options.limit && options.limit > 0 ? options.limit : Infinity;
      let more = false;
      scan: for (;;) {
        const rows = this.statements.page.all(prefix, end, after, 500) as { key: string; value: string; rv: bigint }[];
        for (const row of rows) {
          after = row.key;
          const value = JSON.parse(row.value) as StoredValue;
          if (options.filter && !options.filter(value)) continue;
          if (items.length >= want) {
            more = true;
            break scan;
          }
          items.push({ key: row.key, value, resourceVersion: String(row.rv) });
        }
        if (rows.length < 500) break;
      }
      const last = items.at(-1);
      return { items, resourceVersion: String(revision), continue: more && last ? encodeContinue(last.key) : undefined };
    } finally {
      this.db.exec('COMMIT');
    }
  }

  watch(prefix: string, fromResourceVersion: string, signal: AbortSignal): AsyncIterable<WatchEvent> {
    const from = parseResourceVersion(fromResourceVersion);
    const compacted = (this.statements.compacted.get() as { value: bigint }).value;
    if (from < compacted) throw tooOldResourceVersion(fromResourceVersion);
    const replay = () =>
      (this.statements.history.all(from, prefix, prefixEnd(prefix)) as { rv: bigint; key: string; type: WatchEventType; value: string }[]).map(
        (row): WatchEvent => ({ type: row.type, key: row.key, value: JSON.parse(row.value) as StoredValue, resourceVersion: String(row.rv) }),
      );
    return this.feed.follow(prefix, fromResourceVersion, replay, signal);
  }

  async currentResourceVersion(): Promise<string> {
    return String((this.statements.revision.get() as { value: bigint }).value);
  }

  async compact(resourceVersion: string): Promise<void> {
    const through = parseResourceVersion(resourceVersion);
    this.transaction(() => {
      this.statements.trim.run(through);
      this.statements.setCompacted.run(through);
    });
  }

  /**
   * Writes a consistent copy of the whole store to `path` (a new file, owner-only: it holds secrets)
   * while the store goes on serving: SQLite's online backup API, on this connection, so writes made
   * meanwhile are carried into the copy and it ends as one committed state. The copy is a single
   * file (no WAL beside it), ready to be a restored data dir's store.db. Returns its revision.
   */
  async backup(path: string): Promise<{ resourceVersion: string }> {
    closeSync(openSync(path, 'wx', 0o600));
    keepOwnerOnly(path);
    // From a connection of its own, in one step: the step reads one snapshot (WAL lets the server's
    // connection write meanwhile), where a backup sharing the writing connection failed now and
    // then, and one copied a hundred pages at a time fell behind a busy store and never finished.
    const reader = new DatabaseSync(this.path, { readOnly: true });
    try {
      await backup(reader, path, { rate: 1_000_000_000 });
    } finally {
      reader.close();
    }
    const copy = new DatabaseSync(path);
    try {
      copy.exec('PRAGMA journal_mode = DELETE');
      const revision = copy.prepare("SELECT value FROM counters WHERE name = 'revision'").get() as { value: number | bigint };
      return { resourceVersion: String(revision.value) };
    } finally {
      copy.close();
      keepOwnerOnly(path);
    }
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }

  private change(key: string, decide: (existing: { value: string; rv: bigint } | undefined) => { type: WatchEventType; value: StoredValue }): StoredObject {
    const event = this.transaction(() => {
      const existing = this.statements.get.get(key) as { value: string; rv: bigint } | undefined;
      const { type, value } = decide(existing);
      const serialized = JSON.stringify(value);
      const rv = (this.statements.bump.get() as { value: bigint }).value;
      if (type === 'ADDED') this.statements.insert.run(key, serialized, rv);
      else if (type === 'MODIFIED') this.statements.replace.run(serialized, rv, key);
      else this.statements.remove.run(key);
      this.statements.record.run(rv, key, type, serialized);
      return { type, key, value: JSON.parse(serialized) as StoredValue, resourceVersion: String(rv) } satisfies WatchEvent;
    });
    this.feed.publish(event);
    this.trimHistory(BigInt(event.resourceVersion));
    return { key: event.key, value: event.value, resourceVersion: event.resourceVersion };
  }

  private trimHistory(revision: bigint): void {
    // Trimming in batches keeps the cost of history off every single write.
    this.commitsSinceTrim += 1;
    if (this.commitsSinceTrim < Math.max(1, Math.floor(this.historyLimit / 10))) return;
    this.commitsSinceTrim = 0;
    const through = revision - BigInt(this.historyLimit);
    if (through > 0n) void this.compact(String(through));
  }

  private transaction<T>(work: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }
}

/** The smallest string greater than every string that starts with `prefix`. */
function prefixEnd(prefix: string): string {
  return prefix + '\u{10FFFF}';
}

/**
 * Makes the database and its -wal and -shm files owner-only (0600) whatever the umask; chmod, unlike
 * a create mode, is not narrowed by it. SQLite gives the -wal and -shm files it creates later the
 * database file's mode, so they stay owner-only too; existing ones are tightened here.
 */
function keepOwnerOnly(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(file, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
