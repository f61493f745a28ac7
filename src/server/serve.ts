// `ims serve`: starts the composed server on its listener, bootstraps the store, and drains on
// SIGTERM/SIGINT before exiting 0.
import type { Server } from 'node:http';
import type { ServerConfig } from './config.ts';
import { createLogger } from '../lib/logger.ts';
import { systemClock } from '../lib/clock.ts';
import { composeServer } from './compose.ts';
import { createHttpServer } from './http.ts';
import { bootstrap } from './bootstrap.ts';
import { prepareDataDir } from './data-dir.ts';

export async function runServer(config: ServerConfig): Promise<void> {
  const logger = createLogger({ level: config.logLevel });
  prepareDataDir(config.dataDir, logger);
  const composed = await composeServer(config, { logger, clock: systemClock });
  const tokenFile = await bootstrap({ store: composed.store, tokens: composed.tokens, clock: systemClock, dataDir: config.dataDir });
  const shutdown = new AbortController();
  const server = createHttpServer(composed.handle, { fastPath: composed.fastPath, shutdown: shutdown.signal, tls: config.tlsCert && config.tlsKey ? { cert: config.tlsCert, key: config.tlsKey } : undefined });
  await listen(server, config.listenHost, config.listenPort);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.listenPort;
  const scheme = config.tlsCert ? 'https' : 'http';
  const hostForUrl = config.listenHost.includes(':') ? `[${config.listenHost}]` : config.listenHost;
  const url = `${scheme}://${hostForUrl}:${port}`;
  logger.info('serving', { url, dataDir: config.dataDir, store: config.store });
  process.stdout.write(`Imagestream is serving on ${url} (data in ${config.dataDir})\n`);
  if (tokenFile) process.stdout.write(`The administrator's token is in ${tokenFile}. Log in with:\n  ims login ${url} --token "$(cat ${tokenFile})"\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    server.close();
    shutdown.abort();
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), 10_000);
    force.unref();
    server.once('close', () => {
      void composed.close().then(() => {
        logger.info('stopped');
        process.exit(0);
      });
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
