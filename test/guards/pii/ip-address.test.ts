import { describe, expect, it } from 'vitest';
import { ipAddressDetector } from '../../../src/guards/pii/ip-address.js';
import { found, values } from './helpers.js';

describe('pii.ip_address', () => {
  it('finds IPv4 and IPv6 addresses with exact spans', () => {
    expect(found(ipAddressDetector, 'login from 203.0.113.45 failed')).toEqual([
      ['pii.ip_address', '203.0.113.45', 11],
    ]);
    expect(values(ipAddressDetector, 'host 2001:db8:85a3::8a2e:370:7334 up')).toEqual(['2001:db8:85a3::8a2e:370:7334']);
    expect(values(ipAddressDetector, 'fe80:0:0:0:202:b3ff:fe1e:8329')).toEqual(['fe80:0:0:0:202:b3ff:fe1e:8329']);
  });
  it('computes UTF-16 offsets after an emoji', () => {
    expect(found(ipAddressDetector, '🌐 10.0.0.1')).toEqual([['pii.ip_address', '10.0.0.1', 3]]);
  });
  it('rejects invalid octets, version strings and five-part numbers', () => {
    expect(values(ipAddressDetector, 'addr 256.1.1.1 and 1.2.3')).toEqual([]);
    expect(values(ipAddressDetector, 'server ok, version 1.2.3.4 released')).toEqual([]);
    expect(values(ipAddressDetector, 'Chrome/120.0.6099.109 and v10.0.1.2')).toEqual([]);
    expect(values(ipAddressDetector, 'oid 1.3.6.1.4.1')).toEqual([]);
  });
  it('rejects C++ scopes, MAC addresses and clock times', () => {
    expect(values(ipAddressDetector, 'std::vector a::b 00:1A:2B:3C:4D:5E at 10:30:00')).toEqual([]);
  });
});
