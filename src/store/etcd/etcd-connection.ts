// How every etcd client of a replica connects: the members, client TLS (--etcd-ca/--etcd-cert/
// --etcd-key), and fault handling tuned so that a cluster coming back is used at once. The etcd3
// client's defaults shut a member out for 5 s after three failures and back watches off up to 30 s,
// which after an outage meant seconds of 503s and a controller set left waiting on a stale watch.
import { Etcd3, isRecoverableError, type IOptions } from 'etcd3';
import { ConsecutiveBreaker, ExponentialBackoff, circuitBreaker, handleWhen, retry } from 'cockatiel';

export interface EtcdConnection {
  /** Client URLs of the cluster's members, e.g. https://127.0.0.1:2379. */
  readonly endpoints: readonly string[];
  readonly tls?: EtcdClientTls;
}

/** PEM bytes: the CAs that sign the members' certificates, and this replica's client certificate. */
export interface EtcdClientTls {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
}

/**
 * A member that failed three calls in a row is skipped for half a second (not five), so another
 * member answers meanwhile, and a cluster that was down entirely is tried again almost at once.
 */
const memberBreakerMs = 500;

export function etcdClientOptions(connection: EtcdConnection): IOptions {
  const tls = connection.tls;
  return {
    hosts: [...connection.endpoints],
    dialTimeout: 5_000,
    // Without --etcd-ca, grpc trusts the system's CAs (etcd3 types the field as required; grpc takes none).
    ...(tls && (tls.ca || tls.cert) ? { credentials: { rootCertificate: tls.ca as Buffer, privateKey: tls.key, certChain: tls.cert } } : {}),
    faultHandling: {
      host: () => circuitBreaker(handleWhen(isRecoverableError), { halfOpenAfter: memberBreakerMs, breaker: new ConsecutiveBreaker(3) }),
      global: retry(handleWhen(isRecoverableError), { maxAttempts: 3 }),
      // The client asks this for its first delay and then follows `next()`: 100 ms doubling to 1 s.
      watchBackoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 1_000 }).next(),
    },
  };
}

export function connectEtcd(connection: EtcdConnection): Etcd3 {
  return new Etcd3(etcdClientOptions(connection));
}
