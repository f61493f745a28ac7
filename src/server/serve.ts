// `ims serve`: starts the composed server on its listeners (one, or plain HTTP and HTTPS side by
// side with --listen-tls), bootstraps the store, and drains on SIGTERM/SIGINT before exiting 0.
import type { Server, ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerConfig } from './config.ts';
import { createLogger } from '../lib/logger.ts';
import { systemClock } from '../lib/clock.ts';
import { composeServer } from './compose.ts';
import { createAccessLog } from './access-log.ts';
import { createHttpServer } from './http.ts';
import { bootstrap } from './bootstrap.ts';
import { adminTokenHolder, notePublicHost } from './bootstrap-record.ts';
import { replicaIdentity } from './backends.ts';
import { prepareDataDir } from './data-dir.ts';
import { lockDataDir, type DataDirLock } from './data-dir-lock.ts';
import { readClientCa } from '../cluster/request-header-authenticator.ts';

export async function runServer(config: ServerConfig): Promise<void> {
  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  const accessLog = createAccessLog(logger);
  const clientCa = config.requestHeader ? readClientCa(config.requestHeader.clientCaFile) : undefined;
  prepareDataDir(config.dataDir, logger);
  // One server per data dir, before anything opens the store. Replicas on etcd share the store by
  // design (and may share one blob directory), so only the local store takes the data dir for itself.
  const lock: DataDirLock | undefined = config.store === 'etcd' ? undefined : lockDataDir(config.dataDir);
  const composed = await composeServer(config, { logger, clock: systemClock, onAuthenticated: (user) => accessLog.noteUser(user) });
  // Paths that carry a secret (webhook receivers, the admission key) are logged without it.
  accessLog.hidePathSecrets(composed.loggedPath);
  // Replicas on etcd share one store: one of them mints the admin token, and they should all name one public host.
  const replica = config.store === 'etcd' ? { identity: replicaIdentity(), dataDir: config.dataDir } : undefined;
  const tokenFile = await bootstrap({
    store: composed.store,
    tokens: composed.tokens,
    clock: systemClock,
    dataDir: config.dataDir,
    resetAdminToken: config.resetAdminToken,
    replica,
  });
  if (replica) await notePublicHost(composed.store, logger, composed.publicHost, replica);
  const holder = replica && !tokenFile && !existsSync(join(config.dataDir, 'admin.token')) ? await adminTokenHolder(composed.store) : undefined;
  const shutdown = new AbortController();
  const tls = config.tlsCert && config.tlsKey ? { cert: config.tlsCert, key: config.tlsKey } : undefined;
  // With --listen-tls, --listen stays plain HTTP; without it, a certificate makes --listen HTTPS.
  const listeners: { host: string; port: number; tls?: { cert: string; key: string } }[] = config.listenTls
    ? [
        { host: config.listenHost, port: config.listenPort },
        { ...config.listenTls, tls },
      ]
    : [{ host: config.listenHost, port: config.listenPort, tls }];
  const servers: Server[] = [];
  const urls: string[] = [];
  let stopping = false;
  for (const listener of listeners) {
    const server = createHttpServer(composed.handle, {
      fastPath: composed.fastPath,
      shutdown: shutdown.signal,
      tls: listener.tls,
      clientCa,
      accessLog,
    });
    await listen(server, listener.host, listener.port);
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : listener.port;
    const hostForUrl = listener.host.includes(':') ? `[${listener.host}]` : listener.host;
    // A stopping server's connections close as soon as their answer is out: a client's keep-alive
    // connection must not hold the stop until it is forced.
    server.on('request', (_request, response: ServerResponse) => response.once('finish', () => stopping && setImmediate(() => server.closeIdleConnections())));
    servers.push(server);
    urls.push(`${listener.tls ? 'https' : 'http'}://${hostForUrl}:${port}`);
  }
  const url = urls[0];
  lock?.noteServing(urls);
  logger.info('serving', { url, ...(urls.length > 1 ? { urls } : {}), dataDir: config.dataDir, store: config.store });
  process.stdout.write(`Imagestream is serving on ${urls.join(' and ')} (data in ${config.dataDir})\n`);
  if (config.resetAdminToken) process.stdout.write(`--reset-admin-token: every earlier bootstrap token is revoked, and "admin" is a cluster-admin again.\n`);
  if (tokenFile) process.stdout.write(`The administrator's token is in ${tokenFile}. Log in with:\n  ims login ${url} --token "$(cat ${tokenFile})"\n`);
  if (holder)
    process.stdout.write(
      `The administrator's token is held by another replica on this etcd: ${holder.identity} wrote it into ${join(holder.dataDir, 'admin.token')} on its machine.\n`,
    );

  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    // Leadership first, while the listeners drain: the next leader need not wait out the lease.
    const handedOver = composed.handOver();
    const closed = servers.map((server) => new Promise((resolve) => server.once('close', resolve)));
    for (const server of servers) server.close();
    // Every request in flight, and the imports and pull-through fetches they wait on, end now;
    // an upstream that never answers must not hold the stop for its timeout.
    shutdown.abort();
    composed.interrupt();
    for (const server of servers) server.closeIdleConnections();
    const force = setTimeout(() => servers.forEach((server) => server.closeAllConnections()), 10_000);
    force.unref();
    void Promise.all([...closed, handedOver]).then(async () => {
      await composed.close();
      lock?.release();
      logger.info('stopped');
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
