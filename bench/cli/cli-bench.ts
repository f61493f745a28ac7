// How long `ims get is` takes, process start to exit, as a user at a prompt sees it: against an
// empty namespace and one with many streams, with a warm compile and discovery cache (the steady
// state) and with both cold (the first command after an install or upgrade).
// Usage: node bench/cli/cli-bench.ts [--runs 20] [--streams 10000]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from '../../test/support/serve-process.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, streams: { type: 'string', default: '10000' } } });
const runs = Number(values.runs);
const imsBin = join(import.meta.dirname, '..', '..', 'bin', 'ims');
const work = mkdtempSync(join(tmpdir(), 'ims-cli-bench-'));
const server = await startServer(['--store', 'memory']);
const baseEnv = { ...process.env, IMS_CONFIG: join(work, 'config.json'), NODE_COMPILE_CACHE: join(work, 'compile-cache') };

const node = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'node');

function ims(args: string[], program = imsBin): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(program, args, { env: baseEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`ims ${args.join(' ')}: ${result.stderr}`);
  return ms;
}

function measure(label: string, args: string[], before: () => void = () => {}, program = imsBin): void {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    before();
    times.push(ims(args, program));
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(0);
  console.log(`| ${label} | ${runs} | ${at(0.5)} | ${at(0.9)} | ${times[0].toFixed(0)} |`);
}

async function createStreams(namespace: string, count: number): Promise<void> {
  const token = readFileSync(join(server.dataDir, 'admin.token'), 'utf8').trim();
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  await fetch(`${server.url}/api/v1/namespaces`, { method: 'POST', headers, body: JSON.stringify({ metadata: { name: namespace } }) });
  for (let i = 0; i < count; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, (_, j) =>
        fetch(`${server.url}/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ metadata: { name: `s${i + j}` } }),
        }).then((r) => r.arrayBuffer()),
      ),
    );
  }
}

try {
  ims(['login', server.url, '--token', server.adminToken]);
  await createStreams('many', Number(values.streams));
  const cold = () => {
    rmSync(join(work, 'compile-cache'), { recursive: true, force: true });
    rmSync(join(work, 'cache'), { recursive: true, force: true });
  };
  console.log('| command | runs | p50 ms | p90 ms | min ms |\n|---|---|---|---|---|');
  measure('`node -e 0` (the floor: starting Node)', ['-e', '0'], () => {}, node);
  measure('`ims get is` (empty namespace), warm caches', ['get', 'is']);
  measure(`\`ims get is -n many\` (${values.streams} streams), warm caches`, ['get', 'is', '-n', 'many']);
  measure('`ims get is` (empty namespace), cold compile and discovery caches', ['get', 'is'], cold);
  measure('`ims --help`', ['--help']);
} finally {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
