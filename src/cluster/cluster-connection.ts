// The connection to a real Kubernetes cluster through the official client (@kubernetes/client-node):
// its kubeconfig loading (a file and context, or the pod's service account), its authentication and
// TLS, and its list-then-watch. Objects pass through as raw JSON, never through the client's typed
// models, which would drop fields they do not know. What the cluster refuses becomes an AppError (cluster-errors.ts).
import { HttpMethod, KubeConfig, ListWatch, RequestContext, Watch, type KubernetesObject } from '@kubernetes/client-node';
import { fetch, type Dispatcher } from 'undici';
import type { KubeList, KubeObject } from '../kube/object.ts';
import { AppError } from '../errors.ts';
import { clusterError } from './cluster-errors.ts';

export interface ClusterRequest {
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly signal?: AbortSignal;
}

/** What the rest of the cluster layer needs of the cluster: REST calls on raw JSON, and informers. */
export interface ClusterClient {
  /** The API server's URL, for messages. */
  readonly server: string;
  request(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, options?: ClusterRequest): Promise<KubeObject>;
  /** A list-then-watch of a collection path (relists on 410 Gone; the caller restarts it after other errors). */
  informer(path: string): ListWatch<KubernetesObject>;
  /** One watch of a collection path from a resourceVersion; `done` is called when it ends. */
  watch(
    path: string,
    query: Readonly<Record<string, string | undefined>>,
    onEvent: (type: string, object: KubeObject) => void,
    done: (error?: unknown) => void,
  ): Promise<AbortController>;
}

/** A client of the cluster a kubeconfig (loaded by kube-config.ts) names. */
export function connectCluster(config: KubeConfig): ClusterClient {
  const server = config.getCurrentCluster()!.server.replace(/\/+$/, '');
  const watcher = new Watch(config);
  const request: ClusterClient['request'] = async (method, path, options = {}) => {
    const url = new URL(server + path);
    for (const [name, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(name, value);
    const context = new RequestContext(url.toString(), HttpMethod[method]);
    let response;
    try {
      await config.applySecurityAuthentication(context);
      const headers: Record<string, string> = { ...context.getHeaders(), accept: 'application/json' };
      if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
      response = await fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        dispatcher: context.getDispatcher() as Dispatcher | undefined,
        signal: options.signal ?? AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new AppError('Unavailable', `the cluster at ${server} cannot be reached: ${(error as Error).message}`, { cause: error });
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = {};
    }
    if (response.status >= 300) throw clusterError(response.status, body);
    return body as KubeObject;
  };
  return {
    server,
    request,
    informer: (path) =>
      new ListWatch<KubernetesObject>(path, watcher, async () => (await request('GET', path)) as unknown as KubeList & { items: KubernetesObject[] }, false),
    watch: (path, query, onEvent, done) => watcher.watch(path, query, (type, object) => onEvent(type, object as KubeObject), done),
  };
}
