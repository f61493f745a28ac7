// A child process for the crash test: writes objects in a loop to a SQLite store and prints
// "ack <n>" after each write returns, until it is killed.
import { SqliteResourceStore } from '../../src/store/sqlite/sqlite-resource-store.ts';

const store = new SqliteResourceStore(process.argv[2]);
const payload = 'x'.repeat(4096);
for (let n = 0; ; n++) {
  await store.create(`crash/items/ns/item-${n}`, { n, payload, check: `${n}:${payload.length}` });
  if (n > 0) await store.update('crash/counter', { n }).catch(() => store.create('crash/counter', { n }));
  else await store.create('crash/counter', { n });
  process.stdout.write(`ack ${n}\n`);
}
