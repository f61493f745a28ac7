// API benchmark: create, get and list N secrets over HTTP against a real `ims serve`, once on the
// SQLite store and once on the memory store. Prints a Markdown table for bench/README.md.
//   node bench/api/api-bench.ts [--objects 10000] [--concurrency 16]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { Agent, request } from 'node:http';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const objects = option('objects', 10_000);
const concurrency = option('concurrency', 16);
const repo = join(import.meta.dirname, '..', '..');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      server.close(() => resolve(address.port));
    });
  });
}

async function startServer(store: string): Promise<{ port: number; token: string; stop: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ims-bench-'));
  const port = await freePort();
  const child = spawn(join(repo, 'bin', 'ims'), ['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, '--store', store, '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) => child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('serving') && resolve()));
  const token = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
  return {
    port,
    token,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

function call(port: number, token: string, method: string, path: string, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(body ? { 'content-length': Buffer.byteLength(body) } : {}) },
      },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode && res.statusCode < 300 ? resolve(res.statusCode) : reject(new Error(`${method} ${path}: ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface Phase {
  name: string;
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
}

async function phase(name: string, count: number, work: (i: number) => Promise<unknown>, workers = concurrency): Promise<Phase> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        await work(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { name, requests: count, seconds, p50: at(0.5), p99: at(0.99) };
}

const rows: string[] = [];
for (const store of ['sqlite', 'memory']) {
  const server = await startServer(store);
  const { port, token } = server;
  const path = '/api/v1/namespaces/default/secrets';
  const results = [
    await phase('create', objects, (i) =>
      call(
        port,
        token,
        'POST',
        path,
        JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `s-${i}`, labels: { bench: 'yes' } }, stringData: { value: `v${i}` } }),
      ),
    ),
    await phase('get', objects, (i) => call(port, token, 'GET', `${path}/s-${i}`)),
  ];
  const pages = Math.ceil(objects / 500);
  const tokens: string[] = [];
  results.push(
    await phase(
      'list (pages of 500, one client)',
      pages,
      async () => {
        await new Promise<void>((resolve, reject) => {
          const continueToken = tokens.shift();
          const req = request(
            {
              host: '127.0.0.1',
              port,
              path: `${path}?limit=500${continueToken ? `&continue=${encodeURIComponent(continueToken)}` : ''}`,
              agent,
              headers: { authorization: `Bearer ${token}` },
            },
            (res) => {
              let text = '';
              res.on('data', (c: Buffer) => (text += c));
              res.on('end', () => {
                const next = (JSON.parse(text) as { metadata: { continue?: string } }).metadata.continue;
                if (next) tokens.push(next);
                resolve();
              });
            },
          );
          req.on('error', reject);
          req.end();
        });
      },
      1,
    ),
  );
  for (const r of results)
    rows.push(`| ${store} | ${r.name} | ${r.requests} | ${(r.requests / r.seconds).toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} |`);
  await server.stop();
}
agent.destroy();
process.stdout.write(
  `objects: ${objects}, concurrency: ${concurrency}\n\n| store | operation | requests | req/s | p50 ms | p99 ms |\n|---|---|---|---|---|---|\n${rows.join('\n')}\n`,
);
