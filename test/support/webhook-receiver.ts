import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local webhook receiver on 127.0.0.1: answers each request with the next status of `script`
 * (then the last one), and counts every TCP connection, so a test can tell "nothing was sent"
 * from "a request was refused".
 */
export class Receiver {
  readonly requests: Array<{ at: number; headers: IncomingHttpHeaders; body: string }> = [];
  connections = 0;
  private server: Server | undefined;
  constructor(
    private script: number[],
    /** Headers sent with every answer (e.g. a `location` for redirects). */
    private readonly answerHeaders: Record<string, string> = {},
  ) {}

  /** Forgets the requests seen so far and answers with a new script. */
  reset(script: number[]): void {
    this.requests.length = 0;
    this.connections = 0;
    this.script = script;
  }

  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ at: Date.now(), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const status = this.script[Math.min(this.requests.length - 1, this.script.length - 1)]!;
        res.writeHead(status, this.answerHeaders).end();
      });
    });
    this.server.on('connection', () => this.connections++);
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${this.port}/hooks/audit`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
