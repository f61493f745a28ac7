// Which namespaces of the cluster ims may act in: those the cluster's administrators labelled
// imagestream.io/connected=true. Project names here are first come, first served, so without the
// cluster's consent anyone who may create a project could name one after a cluster namespace and,
// through this server's credential, change its workloads or feed its pods images by short name.
// Kept from the official client's list-then-watch of namespaces, on every replica (the API uses it).
import type { Logger } from '../lib/logger.ts';
import type { ClusterClient } from './cluster-connection.ts';

export const connectedLabel = 'imagestream.io/connected';

export interface NamespaceGate {
  /** Whether ims may act in the cluster namespace; false until the first list arrived. */
  isConnected(namespace: string): boolean;
}

export class ConnectedNamespaces implements NamespaceGate {
  private readonly connected = new Set<string>();
  private readonly listeners: ((namespace: string) => void)[] = [];

  isConnected(namespace: string): boolean {
    return this.connected.has(namespace);
  }

  /** Calls `listener` with each namespace that was added or changed (labelled or not), for controllers to reconcile. */
  onChange(listener: (namespace: string) => void): void {
    this.listeners.push(listener);
  }

  follow(cluster: Pick<ClusterClient, 'informer'>, logger: Logger, signal: AbortSignal): void {
    const informer = cluster.informer('/api/v1/namespaces');
    const note = (object: { metadata?: { name?: string; labels?: Record<string, string> } }) => {
      const name = object.metadata?.name;
      if (!name) return;
      if (object.metadata?.labels?.[connectedLabel] === 'true') this.connected.add(name);
      else this.connected.delete(name);
      for (const listener of this.listeners) listener(name);
    };
    informer.on('add', note);
    informer.on('update', note);
    informer.on('delete', (object) => object.metadata?.name && this.connected.delete(object.metadata.name));
    const start = () => !signal.aborted && void informer.start().catch(restart);
    const restart = (error?: unknown) => {
      if (signal.aborted) return;
      logger.warn('watch of the cluster namespaces ended; listing again', { error });
      setTimeout(start, 1_000).unref();
    };
    informer.on('error', restart);
    signal.addEventListener('abort', () => void informer.stop(), { once: true });
    start();
  }
}
