import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalAddress, privateAddressKind } from '../../../src/importer/upstream/private-addresses.ts';

describe('private addresses', () => {
  it('names the ranges of the local network, IPv4 and IPv6', () => {
    const cases: [string, string][] = [
      ['127.0.0.1', 'a loopback address'],
      ['127.255.0.9', 'a loopback address'],
      ['::1', 'a loopback address'],
      ['0.0.0.0', 'an unspecified address'],
      ['::', 'an unspecified address'],
      ['10.20.30.40', 'a private address'],
      ['172.16.0.1', 'a private address'],
      ['172.31.255.255', 'a private address'],
      ['192.168.0.10', 'a private address'],
      ['169.254.169.254', 'a link-local address'],
      ['100.64.0.1', 'a shared (carrier-grade NAT) address'],
      ['100.127.255.254', 'a shared (carrier-grade NAT) address'],
      ['fc00::1', 'a private address'],
      ['fd00:ec2::254', 'a private address'],
      ['fe80::1%eth0', 'a link-local address'],
      ['febf:ffff::1', 'a link-local address'],
      ['224.0.0.251', 'a multicast address'],
      ['ff02::fb', 'a multicast address'],
      ['255.255.255.255', 'a reserved address'],
    ];
    for (const [address, kind] of cases) assert.equal(privateAddressKind(address), kind, address);
  });

  it('sees through IPv6 spellings of IPv4 addresses: mapped, NAT64 and 6to4', () => {
    assert.equal(privateAddressKind('::ffff:127.0.0.1'), 'a loopback address');
    assert.equal(privateAddressKind('::ffff:7f00:1'), 'a loopback address');
    assert.equal(privateAddressKind('[::ffff:10.0.0.1]'), 'a private address');
    assert.equal(privateAddressKind('64:ff9b::a9fe:a9fe'), 'a link-local address');
    assert.equal(privateAddressKind('2002:c0a8:0101::1'), 'a private address');
    assert.equal(privateAddressKind('::ffff:8.8.8.8'), undefined);
    assert.equal(canonicalAddress('::ffff:8.8.8.8'), canonicalAddress('8.8.8.8'));
  });

  it('leaves public addresses alone, right next to the private ranges', () => {
    for (const address of [
      '8.8.8.8',
      '1.1.1.1',
      '172.15.255.255',
      '172.32.0.0',
      '100.63.255.255',
      '100.128.0.0',
      '11.0.0.1',
      '2606:4700:4700::1111',
      'fbff::1',
      '2a00::1',
    ]) {
      assert.equal(privateAddressKind(address), undefined, address);
    }
  });
});
