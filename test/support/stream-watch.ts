// Waits, through the API's watch, until an image stream satisfies a test's condition: no polling
// and no sleeps, only an upper bound on how long it may take.
import type { ImageStream } from '../../src/kube/kinds/image.ts';

export async function untilStream(
  server: { url: string },
  token: string,
  namespace: string,
  name: string,
  condition: (stream: ImageStream) => boolean,
  timeoutMs = 30_000,
): Promise<ImageStream> {
  const base = `${server.url}/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams`;
  const headers = { authorization: `Bearer ${token}` };
  const signal = AbortSignal.timeout(timeoutMs);
  const first = await fetch(`${base}/${name}`, { headers, signal });
  let last = first.status === 200 ? ((await first.json()) as ImageStream) : undefined;
  if (last && condition(last)) return last;
  const from = last?.metadata.resourceVersion ?? '0';
  const watch = await fetch(`${base}?watch=true&resourceVersion=${from}&fieldSelector=metadata.name%3D${name}`, { headers, signal });
  const decoder = new TextDecoder();
  let partial = '';
  try {
    for await (const chunk of watch.body! as AsyncIterable<Uint8Array>) {
      const lines = (partial + decoder.decode(chunk, { stream: true })).split('\n');
      partial = lines.pop()!;
      for (const line of lines.filter(Boolean)) {
        const event = JSON.parse(line) as { type: string; object: ImageStream };
        if (event.type === 'ADDED' || event.type === 'MODIFIED') last = event.object;
        if (last && condition(last)) return last;
      }
    }
  } catch (error) {
    if (signal.aborted) throw new Error(`the stream ${namespace}/${name} did not get there within ${timeoutMs} ms; last seen: ${JSON.stringify(last?.status)}`);
    throw error;
  }
  throw new Error(`the watch of ${namespace}/${name} ended first; last seen: ${JSON.stringify(last?.status)}`);
}

/** The newest event of a tag: its image and what caused it. */
export function newestOf(stream: ImageStream, tag: string): { image?: string; cause?: string } {
  const item = stream.status?.tags?.find((t) => t.tag === tag)?.items?.[0];
  return { image: item?.image, cause: item?.annotations?.['imagestream.io/cause'] };
}
