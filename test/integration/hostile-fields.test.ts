// Every kind the server stores, for real, against fields of the wrong type and values that break
// a rule: each typed field of each kind (test/support/hostile/field-cases.ts) is sent with values
// of other JSON types drawn by a seeded random source, by create, update and patch. A wrong type
// must get 400 as Kubernetes' decoder answers it, a broken rule 422 with the field among the causes,
// both as a Status naming the field; and nothing stored may change.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { jsonPatchFor, kindFixtures, namespace, stepsOf, withValue, wrongValues, type KindFixture } from '../support/hostile/field-cases.ts';

/** Fixed, so every run sends the same requests; HOSTILE_SEED explores others. */
const seed = Number(process.env.HOSTILE_SEED ?? 20_251_201);
/** How many wrong values of each field are sent, by each verb. */
const valuesPerField = 2;

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

type Send = (method: string, path: string, body: unknown, contentType?: string) => Promise<Answer>;

const fixtureName = 'fixture';
/** Where the object `fixture.valid(name)` lives (cluster-scoped fixtures prefix their names). */
const objectPath = (fixture: KindFixture, name: string) => `${fixture.collection}/${(fixture.valid(name).metadata as { name: string }).name}`;

/** Why `answer` is not the refusal it must be, or undefined when it is. */
function problemWith(answer: Answer, status: 400 | 422, field: string): string | undefined {
  const { body } = answer;
  if (answer.status !== status) return `answered ${answer.status}, not ${status}: ${JSON.stringify(body).slice(0, 200)}`;
  if (body.kind !== 'Status' || body.status !== 'Failure' || body.code !== status) return `not a Status: ${JSON.stringify(body).slice(0, 200)}`;
  if (typeof body.message !== 'string' || !body.message.includes(field)) return `the message does not name ${field}: ${String(body.message).slice(0, 300)}`;
  if (status === 422) {
    const causes = ((body.details as { causes?: { field?: string }[] } | undefined)?.causes ?? []).map((cause) => cause.field);
    if (!causes.includes(field)) return `no cause for ${field}: ${JSON.stringify(causes)}`;
  }
  return undefined;
}

/** The stored object at `path` with `value` put there, by each verb the kind takes. */
function writes(fixture: KindFixture, stored: Record<string, unknown> | undefined, path: string, value: unknown, index: number) {
  const created = withValue(fixture.valid(`c${index}`), path, value);
  const out: { verb: string; method: string; path: string; body: unknown; contentType?: string; creates?: string }[] = [
    { verb: 'create', method: 'POST', path: fixture.collection, body: created, creates: fixture.storedAt?.(`c${index}`) ?? objectPath(fixture, `c${index}`) },
  ];
  if (fixture.createOnly || !stored) return out;
  const target = objectPath(fixture, fixtureName);
  out.push({ verb: 'update', method: 'PUT', path: target, body: withValue(stored, path, value) });
  // A JSON patch where the field's parent is stored; elsewhere a merge patch, which makes the objects on the way.
  const steps = stepsOf(path);
  let parent: unknown = stored;
  for (const step of steps.slice(0, -1)) parent = parent && typeof parent === 'object' ? (parent as Record<string | number, unknown>)[step] : undefined;
  if (parent && typeof parent === 'object')
    out.push({ verb: 'json-patch', method: 'PATCH', path: target, body: jsonPatchFor(path, value), contentType: 'application/json-patch+json' });
  else out.push({ verb: 'merge-patch', method: 'PATCH', path: target, body: withValue(stored, path, value), contentType: 'application/merge-patch+json' });
  return out;
}

describe('the server against fields of the wrong type and values that break a rule', () => {
  let server: RunningServer;
  let send: Send;
  const stored = new Map<string, Record<string, unknown>>();
  let original: Record<string, string>;

  /** Every fixture object's bytes as served, and every collection's names and versions. */
  const snapshot = async () => {
    const shot: Record<string, string> = {};
    for (const fixture of kindFixtures) {
      if (fixture.createOnly) continue;
      const path = objectPath(fixture, fixtureName);
      const answer = await fetch(server.url + path, { headers: { authorization: `Bearer ${server.adminToken}` } });
      shot[path] = `${answer.status} ${await answer.text()}`;
      const list = (await send('GET', fixture.collection, undefined)).body as { items: { metadata: { name: string; resourceVersion: string } }[] };
      shot[fixture.collection] = list.items.map((item) => `${item.metadata.name}@${item.metadata.resourceVersion}`).join(',');
    }
    return shot;
  };

  before(async () => {
    server = await startServer();
    send = async (method, path, body, contentType = 'application/json') => {
      const answer = await fetch(server.url + path, {
        method,
        headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': contentType },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await answer.text();
      return { status: answer.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    };
    const made = await send('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    for (const fixture of kindFixtures) {
      if (fixture.createOnly) continue;
      const created = await send('POST', fixture.collection, fixture.valid(fixtureName));
      assert.equal(created.status, 201, `${fixture.kind}: ${JSON.stringify(created.body)}`);
      stored.set(fixture.kind, created.body);
    }
    original = await snapshot();
  });
  after(async () => {
    await server?.stop();
  });

  for (const fixture of kindFixtures) {
    it(`refuses every ${fixture.kind} field of the wrong type with 400 naming it, and every broken rule with 422`, async () => {
      const random = seededRandom(seed + fixture.kind.length * 1000 + fixture.kind.charCodeAt(0));
      const failures: string[] = [];
      let index = 0;
      let sent = 0;
      let refusedBadly = 0;
      const attempt = async (path: string, value: unknown, status: 400 | 422, field: string) => {
        index += 1;
        for (const write of writes(fixture, stored.get(fixture.kind), path, value, index)) {
          sent += 1;
          const answer = await send(write.method, write.path, write.body, write.contentType);
          const problems = [problemWith(answer, status, field)];
          if (write.creates && (await send('GET', write.creates, undefined)).status !== 404) problems.push('the refused object was stored');
          for (const problem of problems.filter(Boolean)) failures.push(`${write.verb} ${path}=${JSON.stringify(value).slice(0, 40)}: ${problem}`);
          if (problems.some(Boolean)) refusedBadly += 1;
        }
      };
      for (const [path, type] of Object.entries(fixture.typed)) {
        const candidates = [...wrongValues[type]];
        for (let i = 0; i < valuesPerField && candidates.length > 0; i++) {
          const [value] = candidates.splice(random.int(candidates.length), 1);
          await attempt(path, value, 400, path);
        }
      }
      for (const rule of fixture.invalid ?? []) await attempt(rule.path, rule.value, 422, rule.field ?? rule.path);
      console.log(`${fixture.kind}: ${sent} requests, ${sent - refusedBadly} refused properly`);
      assert.deepEqual(failures, [], `${refusedBadly} of ${sent} ${fixture.kind} requests were not refused properly`);
    });
  }

  it('leaves every object it made before byte for byte as it was, and never fails inside', async () => {
    assert.deepEqual(await snapshot(), original);
    assert.doesNotMatch(server.logs(), /"level":"error"/, 'no request failed inside the server');
  });
});
