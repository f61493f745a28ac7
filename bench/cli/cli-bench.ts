// How long `ims get is` takes, process start to exit, as a user at a prompt sees it: against an
// empty namespace and one with many streams, with a warm compile and discovery cache (the steady
// state) and with both cold (the first command after an install or upgrade).
// Usage: node bench/cli/cli-bench.ts [--runs 20] [--streams 10000] [--ims PATH (another checkout's bin/ims, to compare)]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from '../../test/support/serve-process.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, streams: { type: 'string', default: '10000' }, ims: { type: 'string' } } });
const runs = Number(values.runs);
const imsBin = values.ims ?? join(import.meta.dirname, '..', '..', 'bin', 'ims');
const work = mkdtempSync(join(tmpdir(), 'ims-cli-bench-'));
const server = await startServer(['--store', 'memory']);
// TMPDIR puts Node's default compile cache (os.tmpdir()/node-compile-cache) where a cold run can remove it.
const baseEnv: NodeJS.ProcessEnv = { ...process.env, IMS_CONFIG: join(work, 'config.json'), TMPDIR: work };
delete baseEnv.NODE_COMPILE_CACHE;

const node = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'node');

/**
 * Wall time, and the CPU time (user + system) GNU time reports for the process: on a machine that
 * other work keeps busy, CPU time says what the command costs, and wall time what a user waits.
 */
function ims(args: string[], program = imsBin): { wall: number; cpu: number } {
  const timing = join(work, 'time.txt');
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', timing, program, ...args], { env: baseEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`ims ${args.join(' ')}: ${result.stderr}`);
  const [user, system] = readFileSync(timing, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
  return { wall, cpu: (user + system) * 1000 };
}

function measure(label: string, args: string[], before: () => void = () => {}, program = imsBin): void {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    before();
    const { wall, cpu } = ims(args, program);
    walls.push(wall);
    cpus.push(cpu);
  }
  const at = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))].toFixed(0);
  console.log(`| ${label} | ${runs} | ${at(walls, 0.5)} | ${at(walls, 0.9)} | ${at(walls, 0)} | ${at(cpus, 0.5)} |`);
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
    rmSync(join(work, 'node-compile-cache'), { recursive: true, force: true });
    rmSync(join(work, 'cache'), { recursive: true, force: true });
  };
  console.log('| command | runs | wall p50 ms | wall p90 ms | wall min ms | CPU p50 ms |\n|---|---|---|---|---|---|');
  measure('`node -e 0` (the floor: starting Node)', ['-e', '0'], () => {}, node);
  measure('`ims get is` (empty namespace), warm caches', ['get', 'is']);
  measure(`\`ims get is -n many\` (${values.streams} streams), warm caches`, ['get', 'is', '-n', 'many']);
  measure('`ims get is` (empty namespace), cold compile and discovery caches', ['get', 'is'], cold);
  measure('`ims --help`', ['--help']);
} finally {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
