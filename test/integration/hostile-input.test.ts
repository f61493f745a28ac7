// The server against hostile input, for real: a few hundred requests generated from the specs
// (distribution, Kubernetes API conventions, RFCs 6902, 7386, 9110 and 9112) by a seeded random
// source, sent to `ims serve` family by family. Every one must get a 4xx in its face's error format,
// the server must keep answering, and the objects made before must come out byte for byte the same.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { requestBytes, sendRaw, type RawAnswer } from '../support/raw-http.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { generate, isRegistryCase, resolvedPath, type Family, type HostileCase, type Template } from '../support/hostile/case.ts';
import { createFixture, snapshot, type Fixture } from '../support/hostile/fixture.ts';
import { registryTemplates } from '../support/hostile/registry-cases.ts';
import { apiBodyTemplates } from '../support/hostile/api-body-cases.ts';
import { queryTemplates } from '../support/hostile/query-cases.ts';
import { headerTemplates } from '../support/hostile/header-cases.ts';

/** Fixed, so every run sends the same requests; HOSTILE_SEED explores others, HOSTILE_VERBOSE shows each answer. */
const seed = Number(process.env.HOSTILE_SEED ?? 20_240_601);
const families: readonly { family: Family; templates: Template[]; count: number }[] = [
  { family: 'registry', templates: registryTemplates(), count: 120 },
  { family: 'api-bodies', templates: apiBodyTemplates(), count: 120 },
  { family: 'query', templates: queryTemplates(), count: 80 },
  { family: 'headers', templates: headerTemplates(), count: 80 },
];

/** Why `answer` is not the refusal `hostile` must get, or undefined when it is. */
function problemWith(hostile: HostileCase, answer: RawAnswer): string | undefined {
  if (answer.status < 400 || answer.status > 499) return `answered ${answer.status}, not a 4xx`;
  if (hostile.head) return undefined;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return `answered ${answer.status} with a body that is not JSON: ${answer.body.subarray(0, 80).toString('latin1')}`;
  }
  // The token endpoint answers as Docker's token spec has it.
  if (resolvedPath(hostile) === '/openshift/token') return typeof body.details === 'string' ? undefined : 'a token error without details';
  if (isRegistryCase(hostile)) {
    const errors = body.errors as { code?: unknown; message?: unknown }[] | undefined;
    if (!Array.isArray(errors) || errors.length === 0 || errors.some((e) => typeof e.code !== 'string' || typeof e.message !== 'string'))
      return `not an OCI error body: ${JSON.stringify(body).slice(0, 120)}`;
    return undefined;
  }
  if (body.kind !== 'Status' || body.status !== 'Failure' || body.code !== answer.status || typeof body.message !== 'string' || body.message === '')
    return `not a Kubernetes Status: ${JSON.stringify(body).slice(0, 120)}`;
  return undefined;
}

async function assertHealthy(server: RunningServer): Promise<void> {
  const answer = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(5000) });
  assert.equal(answer.status, 200);
  assert.equal(await answer.text(), 'ok');
  assert.equal(server.process.exitCode, null, 'the server is still running');
}

describe('the server under hostile input', () => {
  let server: RunningServer;
  let fixture: Fixture;
  let stored: Record<string, string>;
  const tally = new Map<Family, Map<number, number>>();

  before(async () => {
    server = await startServer();
    fixture = await createFixture(server.url, server.port, server.adminToken);
    stored = await snapshot(fixture);
  });
  after(async () => {
    const rows = [...tally].map(([family, statuses]) => {
      const total = [...statuses.values()].reduce((a, b) => a + b, 0);
      return `  ${family.padEnd(11)} ${String(total).padStart(4)} cases: ${[...statuses]
        .sort(([a], [b]) => a - b)
        .map(([status, n]) => `${status}×${n}`)
        .join(' ')}`;
    });
    console.log(`hostile input (seed ${seed}):\n${rows.join('\n')}`);
    await server?.stop();
  });

  for (const [index, { family, templates, count }] of families.entries()) {
    it(`refuses every hostile ${family} request with a 4xx in the face's format and keeps answering`, async () => {
      const cases = generate(family, templates, fixture, seededRandom(seed + index), count);
      const statuses = new Map<number, number>();
      tally.set(family, statuses);
      const failures: string[] = [];
      for (const hostile of cases) {
        const bytes = 'raw' in hostile.request ? hostile.request.raw : requestBytes(fixture.port, hostile.request);
        const answer = await sendRaw(fixture.port, bytes, { head: hostile.head, timeoutMs: 15_000 }).catch((error: Error) => error);
        if (answer instanceof Error) {
          failures.push(`${hostile.name}: ${answer.message}`);
          continue;
        }
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (process.env.HOSTILE_VERBOSE) console.log(`${family} ${answer.status} ${hostile.name}: ${answer.body.subarray(0, 160).toString('utf8')}`);
        const problem = problemWith(hostile, answer);
        if (problem) failures.push(`${hostile.name}: ${problem}`);
      }
      assert.deepEqual(failures, [], `${failures.length} of ${cases.length} ${family} cases were not refused properly`);
      await assertHealthy(server);
    });
  }

  it('keeps /healthz answering while hostile requests are processed, and refuses each at its limit', async () => {
    // CI shares its cores, so this asserts no speed at all. What it shows is that each body is refused
    // at one of its limits, and that health probes are answered while a slow one is worked on (a
    // stalled event loop would hold every probe for the whole request). The times are printed for
    // the README's table.
    const auth = { authorization: `Bearer ${fixture.token}` };
    const secrets = `${server.url}/api/v1/namespaces/${fixture.namespace}/secrets`;
    const copies = [
      { op: 'add', path: '/metadata/annotations/seed', value: 'x'.repeat(64) },
      ...Array.from({ length: 40 }, (_, i) => ({ op: 'copy', from: '/metadata/annotations', path: `/metadata/annotations/c${i}` })),
    ];
    const hostile = [
      {
        what: 'a YAML body of 50,000 aliases',
        // The alias limit (400), or on a machine too busy to reach it within 5 s, the parse time limit (413).
        status: [400, 413],
        quick: true,
        send: () =>
          fetch(secrets, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/yaml' },
            body: `metadata:\n  name: aliases\nlist: [&a x, ${Array(50_000).fill('*a').join(', ')}]\n`,
          }),
      },
      {
        what: 'a JSON patch of doubling copies',
        status: 413,
        quick: true,
        send: () =>
          fetch(`${secrets}/${fixture.secret}`, {
            method: 'PATCH',
            headers: { ...auth, 'content-type': 'application/json-patch+json' },
            body: JSON.stringify(copies),
          }),
      },
      {
        what: 'a JSON body nested 4,000 deep',
        status: 400,
        quick: true,
        send: () =>
          fetch(secrets, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json' },
            body: `{"metadata":{"name":"deep"},"x":${'['.repeat(4000)}${']'.repeat(4000)}}`,
          }),
      },
      {
        what: 'a YAML list that takes seconds to parse',
        status: 413,
        quick: false,
        send: () =>
          fetch(secrets, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/yaml' },
            body: `metadata:\n  name: slow\nlist: [${Array(400_000).fill('0').join(',')}]\n`,
          }),
      },
    ];
    for (const { what, status, quick, send } of hostile) {
      const latencies: number[] = [];
      let answered = false;
      // Probes that finished while the hostile request was still waiting for its answer.
      let answeredMeanwhile = 0;
      let done = false;
      const probing = (async () => {
        while (!done) {
          const started = performance.now();
          assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
          latencies.push(performance.now() - started);
          if (!answered) answeredMeanwhile += 1;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      const started = performance.now();
      const answer = await send();
      answered = true;
      const took = performance.now() - started;
      await answer.arrayBuffer();
      done = true;
      await probing;
      const worst = Math.max(...latencies);
      // Times are reported (README's table), never asserted: a busy machine may be slow, not wrong.
      console.log(`${what}: ${answer.status} in ${Math.round(took)} ms; /healthz answered ${latencies.length} probes, the slowest in ${Math.round(worst)} ms`);
      assert.ok([status].flat().includes(answer.status), `${what}: ${answer.status}, expected ${[status].flat().join(' or ')}`);
      // A body that takes its parser to the time limit must not stall the server meanwhile.
      if (!quick) assert.ok(answeredMeanwhile > 0, `${what}: /healthz answered nothing while the server worked on it`);
    }
  });

  it('leaves every object it made before byte for byte as it was', async () => {
    assert.deepEqual(await snapshot(fixture), stored);
    assert.doesNotMatch(server.logs(), /"level":"error"/, 'no request failed inside the server');
  });
});
