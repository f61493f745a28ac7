// An undici connector that refuses connections (to a registry, a redirect target, a token realm)
// whose resolved address is loopback, private, link-local or the server's own, unless allowed. The
// socket goes to exactly the addresses checked, so a name that answers differently the second
// time (DNS rebinding) cannot slip past.
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { buildConnector } from 'undici';
import { AppError } from '../../errors.ts';
import { canonicalAddress, privateAddressKind } from './private-addresses.ts';

export interface AddressGuardOptions {
  /** `ims serve --allow-private-registries`: connect anywhere. */
  readonly allowPrivate: boolean;
  /** host[:port] always reachable (this server's own registry); without a port, 443 and 80. */
  readonly alwaysAllowed?: readonly string[];
  readonly lookup?: (hostname: string, options: LookupAllOptions, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;
  /** The server's own addresses; by default those of its network interfaces. */
  readonly ownAddresses?: () => readonly string[];
  /** Why an address is refused; by default `addressRefusal`. Tests, with only loopback to use, stand in for the internet with it. */
  readonly refusal?: (address: string) => string | undefined;
}

/** Why connecting to `address` is refused, or undefined when it is allowed. */
export function addressRefusal(address: string, ownAddresses: readonly string[]): string | undefined {
  const kind = privateAddressKind(address);
  if (kind) return kind;
  const canonical = canonicalAddress(address);
  return ownAddresses.some((own) => canonicalAddress(own) === canonical) ? "one of this server's own addresses" : undefined;
}

/** The connector for an undici Agent: `options` are its TLS and timeout options. */
export function guardedConnector(options: buildConnector.BuildOptions, guard: AddressGuardOptions): buildConnector.connector {
  const plain = buildConnector(options);
  if (guard.allowPrivate) return plain;
  const resolve = guard.lookup ?? dnsLookup;
  const own = guard.ownAddresses ?? interfaceAddresses;
  const refused = guard.refusal ?? ((address: string) => addressRefusal(address, own()));
  const always = (guard.alwaysAllowed ?? []).map((entry) => entry.toLowerCase());
  const checkedLookup = (
    hostname: string,
    lookupOptions: { family?: number | string; all?: boolean },
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    resolve(hostname, { family: lookupOptions.family as LookupAllOptions['family'], all: true }, (error, addresses) => {
      if (error || addresses.length === 0) return callback(error ?? Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
      const bad = addresses.map((a) => ({ address: a.address, why: refused(a.address) })).find((a) => a.why);
      if (bad) return callback(refusal(hostname, `resolves to ${bad.address}, ${bad.why}`), []);
      if (lookupOptions.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
  // net.connect resolves names through `lookup`, so the socket goes to an address checked here.
  const guarded = buildConnector({ ...options, lookup: checkedLookup } as buildConnector.BuildOptions);
  return (connectOptions, callback) => {
    const port = connectOptions.port || (connectOptions.protocol === 'https:' ? '443' : '80');
    const hostname = connectOptions.hostname.toLowerCase();
    const named = hostname.includes(':') ? `[${hostname}]` : hostname;
    if (always.includes(`${named}:${port}`) || ((port === '443' || port === '80') && always.includes(named))) return plain(connectOptions, callback);
    if (isIP(hostname)) {
      // A literal address is never looked up, so it is judged here.
      const why = refused(hostname);
      if (why) {
        queueMicrotask(() => callback(refusal(`${named}:${port}`, `is ${why}`), null));
        return;
      }
      return plain(connectOptions, callback);
    }
    return guarded(connectOptions, callback);
  };
}

function refusal(target: string, why: string): AppError {
  return new AppError('Forbidden', `"${target}" ${why}, which this server reaches only when started with --allow-private-registries`);
}

function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
}
