import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '../../functions/src/domain/alerts';

/** What the receiver does with one request, by its 0-based number. */
export type Fault = 'none' | 'http500' | 'timeout' | 'late_ack';

/**
 * A local stream receiver on 127.0.0.1, as a careful customer would write one: it checks each
 * batch's signature, keeps every entry once by log id (redeliveries are dropped), and records the
 * order in which it first saw each entry. `faults` injects failures by request number: a 500, a
 * time-out before reading anything, or a late answer after the entries were kept (the sender times
 * out and must send them again).
 */
export class SinkReceiver {
  /** Every entry id of every accepted batch, duplicates included. */
  readonly received: string[] = [];
  /** Entry ids in the order they were first kept. */
  readonly kept: string[] = [];
  readonly batchIds: string[] = [];
  requests = 0;
  badSignatures = 0;
  secret = '';
  private readonly seen = new Set<string>();
  private server: Server | undefined;
  private readonly held = new Set<() => void>();

  constructor(
    private faults: (request: number) => Fault = () => 'none',
    /** How long a `timeout` or `late_ack` holds its answer (longer than the sender's time-out). */
    private readonly holdMs = 1_500,
  ) {}

  /** Answers every further request normally (or with the given faults). */
  setFaults(faults: (request: number) => Fault): void {
    this.faults = faults;
  }

  get distinct(): number {
    return this.seen.size;
  }

  private keep(body: string): void {
    const batch = JSON.parse(body) as { batchId: string; entries: Array<{ logId: string }> };
    this.batchIds.push(batch.batchId);
    for (const { logId } of batch.entries) {
      this.received.push(logId);
      if (!this.seen.has(logId)) {
        this.seen.add(logId);
        this.kept.push(logId);
      }
    }
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const n = this.requests++;
        const fault = this.faults(n);
        const body = Buffer.concat(chunks).toString('utf8');
        const hold = () => {
          const release = () => {
            this.held.delete(release);
            if (!res.writableEnded) res.writeHead(200).end();
          };
          this.held.add(release);
          setTimeout(release, this.holdMs).unref();
        };
        if (fault === 'http500') return void res.writeHead(500).end();
        if (fault === 'timeout') return hold();
        const signature = req.headers['x-audit-signature'] as string | undefined;
        if (!verifyWebhookSignature(signature, body, this.secret, Math.floor(Date.now() / 1000))) {
          this.badSignatures++;
          return void res.writeHead(401).end();
        }
        this.keep(body);
        if (fault === 'late_ack') return hold();
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/audit-stream`;
  }

  async stop(): Promise<void> {
    for (const release of [...this.held]) release();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
