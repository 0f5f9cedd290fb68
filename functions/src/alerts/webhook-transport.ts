import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { webhookDestinationRefused } from '../commands/logs';
import { platform } from '../config';
import {
  BLOCKED_DESTINATION,
  addressAllowed,
  classifyAddress,
  webhookUrlProblem,
  type AttemptResult,
  type DestinationPolicy,
} from '../domain/alerts';

/** Every address a host name resolves to (all families). */
export type Resolver = (hostname: string) => Promise<string[]>;

/** How deliveries reach the network: which destinations are allowed and how names resolve. */
export interface DeliveryNetwork extends DestinationPolicy {
  resolve: Resolver;
}

const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/** Production refuses loopback; the Functions emulator allows it (receivers there are local processes). */
export function defaultDeliveryNetwork(): DeliveryNetwork {
  return { allowLoopback: platform.isEmulator(), resolve: systemResolver };
}

class Blocked extends Error {}

/**
 * The one address this attempt may connect to. The name is resolved once, every address it
 * resolved to must pass (a name that mixes a public and a private address is refused: that is
 * how DNS rebinding tries its luck), and the connection is then pinned to the checked address,
 * so a second resolution can never send it elsewhere.
 */
async function checkedAddress(value: string, network: DeliveryNetwork): Promise<{ url: URL; address: string }> {
  const problem = webhookUrlProblem(value, network);
  if (problem) throw new Blocked(problem);
  const url = new URL(value);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = classifyAddress(host) !== null ? [host] : await network.resolve(host);
  if (addresses.length === 0) throw new Error('the host name resolved to no address');
  const refused = addresses.filter((a) => !addressAllowed(a, network));
  if (refused.length > 0) throw new Blocked(`resolves to ${refused.map((a) => classifyAddress(a)).join(', ')}`);
  // Plain http is allowed on the emulators' loopback only, whatever the name says.
  if (url.protocol === 'http:' && classifyAddress(addresses[0]!) !== 'loopback') {
    throw new Blocked('plain http to a non-loopback address');
  }
  return { url, address: addresses[0]! };
}

function pinnedLookup(address: string): LookupFunction {
  const family = address.includes(':') ? 6 : 4;
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

function post(url: URL, address: string, headers: Record<string, string>, body: string, signal: AbortSignal) {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<IncomingMessage>((resolve, reject) => {
    const req = send(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: pinnedLookup(address),
      signal,
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end(body);
  });
}

/**
 * One delivery attempt: checks the destination, then POSTs the body to the checked address.
 * Redirects are answers, never followed. Errors are recorded by kind only (`timeout`, `network
 * error`, `blocked_destination`): the delivery log is readable by tenant admins and must not
 * become a map of the network behind the function. The server log keeps the detail.
 */
export async function postWebhook(
  target: { tenantId: string; deliveryId: string; url: string },
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  network: DeliveryNetwork,
): Promise<{ result: AttemptResult; durationMs?: number }> {
  const started = Date.now();
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const { url, address } = await Promise.race([
      checkedAddress(target.url, network),
      new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error))),
    ]);
    const response = await post(url, address, headers, body, signal);
    // Only the status matters; the body is never read, whatever its size.
    response.destroy();
    return { result: { status: response.statusCode! }, durationMs: Date.now() - started };
  } catch (err) {
    if (err instanceof Blocked) {
      webhookDestinationRefused(target.tenantId, target.deliveryId, err.message);
      return { result: { error: BLOCKED_DESTINATION } };
    }
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || signal.aborted);
    return { result: { error: timedOut ? 'timeout' : 'network error' }, durationMs: Date.now() - started };
  }
}
