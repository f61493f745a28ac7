// The connection to a Kubernetes cluster, as `--kubeconfig FILE [--context NAME]` or `--in-cluster`
// name it, loaded by the official client (client-node). Errors name the flag and the problem; the
// file's credentials never appear in them.
import type { KubeConfig } from '@kubernetes/client-node';
import { AppError } from '../errors.ts';

/** A kubeconfig file (and a context in it other than its current one); no file: the pod's own service account. */
export interface ClusterConnection {
  readonly kubeconfig?: string;
  readonly context?: string;
}

export async function loadKubeConfig(connection: ClusterConnection): Promise<KubeConfig> {
  // Loaded only when a cluster is configured: the client is large and embedded servers never need it.
  const { KubeConfig } = await import('@kubernetes/client-node');
  const config = new KubeConfig();
  if (connection.kubeconfig === undefined) {
    if (!process.env.KUBERNETES_SERVICE_HOST)
      throw new AppError('BadRequest', '--in-cluster: KUBERNETES_SERVICE_HOST is not set; this is not a pod (use --kubeconfig FILE)');
    config.loadFromCluster();
    return config;
  }
  try {
    config.loadFromFile(connection.kubeconfig);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'it is not a valid kubeconfig';
    throw new AppError('BadRequest', `--kubeconfig ${connection.kubeconfig}: ${reason}`);
  }
  if (connection.context !== undefined) {
    if (!config.getContextObject(connection.context))
      throw new AppError(
        'BadRequest',
        `--context ${connection.context}: the kubeconfig has no such context (it has ${
          config
            .getContexts()
            .map((c) => c.name)
            .join(', ') || 'none'
        })`,
      );
    config.setCurrentContext(connection.context);
  }
  const cluster = config.getCurrentCluster();
  if (!cluster)
    throw new AppError('BadRequest', `--kubeconfig ${connection.kubeconfig}: the ${connection.context ? 'context' : 'current context'} names no cluster`);
  // The official client refuses plain HTTP unless told to skip TLS verification: say so at start, not at each request.
  if (!cluster.server.startsWith('https://') && !cluster.skipTLSVerify)
    throw new AppError(
      'BadRequest',
      `--kubeconfig ${connection.kubeconfig}: the cluster ${cluster.server} is not HTTPS (set insecure-skip-tls-verify to allow it)`,
    );
  return config;
}
