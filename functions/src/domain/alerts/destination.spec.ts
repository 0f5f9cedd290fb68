import { describe, expect, it } from 'vitest';
import { addressAllowed, classifyAddress, webhookUrlProblem } from './destination';
import { attemptOutcome, webhookSettingsSchema } from './webhook';

const production = { allowLoopback: false };
const emulators = { allowLoopback: true };

describe('classifyAddress', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['93.184.216.34', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link_local'],
    ['100.64.0.1', 'shared'],
    ['0.0.0.0', 'unspecified'],
    ['192.0.0.170', 'reserved'],
    ['192.0.2.1', 'documentation'],
    ['198.18.0.1', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['[::1]', 'loopback'],
    ['2606:4700:4700::1111', 'public'],
    ['2001:4860:4860::8888', 'public'],
    ['fd00::1', 'private'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'],
    ['::ffff:169.254.169.254', 'link_local'],
    ['::ffff:a9fe:a9fe', 'link_local'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::a9fe:a9fe', 'link_local'],
    ['2002:a9fe:a9fe::1', 'link_local'],
    ['2002:0808:0808::1', 'public'],
    ['::127.0.0.1', 'reserved'],
    ['100::1', 'reserved'],
  ])('%s is %s', (ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind);
  });

  it('is null for what is not an address', () => {
    expect(classifyAddress('hooks.example.com')).toBeNull();
    expect(classifyAddress('1.2.3')).toBeNull();
    expect(classifyAddress('')).toBeNull();
  });

  it('allows public addresses always and loopback only on the emulators', () => {
    expect(addressAllowed('8.8.8.8', production)).toBe(true);
    expect(addressAllowed('127.0.0.1', production)).toBe(false);
    expect(addressAllowed('127.0.0.1', emulators)).toBe(true);
    expect(addressAllowed('::1', emulators)).toBe(true);
    expect(addressAllowed('10.0.0.1', emulators)).toBe(false);
    expect(addressAllowed('169.254.169.254', emulators)).toBe(false);
  });
});

describe('webhookUrlProblem', () => {
  it.each([
    'https://hooks.example.com/audit',
    'https://hooks.example.com:8443/audit?tenant=1',
    'https://93.184.216.34/hook',
    'https://[2606:4700:4700::1111]/hook',
  ])('accepts %s everywhere', (url) => {
    expect(webhookUrlProblem(url, production)).toBeNull();
  });

  it.each([
    ['https://169.254.169.254/computeMetadata/v1/', /link-local/],
    ['https://0xa9fea9fe/computeMetadata/v1/', /link-local/],
    ['https://2852039166/', /link-local/],
    ['https://[::ffff:a9fe:a9fe]/', /link-local/],
    ['https://10.0.0.8/hook', /private/],
    ['https://[fd00::8]/hook', /private/],
    ['https://0.0.0.0/', /unspecified/],
    ['https://metadata.google.internal/computeMetadata/v1/', /internal host \(\.internal\)/],
    ['https://metadata/computeMetadata/v1/', /fully qualified/],
    ['https://printer.local/', /\.local/],
    ['https://router.home.arpa/', /\.home\.arpa/],
    ['https://intranet/', /fully qualified/],
    ['http://hooks.example.com/audit', /must use https/],
    ['ftp://hooks.example.com/audit', /must use https/],
    ['https://user:pass@hooks.example.com/', /credentials/],
    ['not a url', /absolute URL/],
  ])('refuses %s', (url, message) => {
    expect(webhookUrlProblem(url, emulators)).toMatch(message);
    expect(webhookUrlProblem(url, production)).toMatch(message);
  });

  it.each([
    'http://127.0.0.1:4000/hook',
    'http://localhost:4000/hook',
    'http://[::1]:4000/hook',
    'https://localhost/hook',
    'https://api.localhost./hook',
    'https://127.1/hook',
    'https://0x7f000001/hook',
  ])('allows loopback %s on the emulators only', (url) => {
    expect(webhookUrlProblem(url, emulators)).toBeNull();
    expect(webhookUrlProblem(url, production)).toMatch(/loopback/);
  });

  it('lets the settings hold a loopback URL (the command and each delivery refuse it outside the emulators)', () => {
    expect(webhookSettingsSchema.safeParse({ enabled: true, url: 'http://127.0.0.1:4000/hook' }).success).toBe(true);
    const refused = webhookSettingsSchema.safeParse({ enabled: true, url: 'https://169.254.169.254/' });
    expect(refused.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['url', 'must not point at a link-local address'],
    ]);
  });

  it('never retries a refused destination', () => {
    expect(attemptOutcome({ error: 'blocked_destination' })).toBe('permanent');
    expect(attemptOutcome({ error: 'network error' })).toBe('retryable');
    expect(attemptOutcome({ status: 302 })).toBe('permanent');
  });
});
