import {
  EventFactory,
  type AuditEvent,
  type CatalogBuilders,
  type FactoryOptions,
  type InputFor,
  type LoginFailedInput,
  type PermissionCheckInput,
} from './builders';
import { ConfirmingSink, type ConfirmationOptions } from './confirm';
import type { AuditSink, SendResult } from './sink';

export interface AuditClientOptions extends FactoryOptions {
  /** Where events go: a `PubSubSink` (the default choice) or an `HttpSink`. */
  sink: AuditSink;
  /**
   * Delivery confirmation (off by default): keep published events until the stream's watermark
   * shows them stored, and re-send those still missing after `graceMs`. Needs events with a
   * `sequence` (the default) and a way to read watermarks (`new HttpWatermarks({ apiKey })`).
   */
  confirm?: ConfirmationOptions;
}

/**
 * The producer's one object: builds validated events for its `source` and sends them through a
 * sink. For events that must commit with a Firestore change, build with `client.events` and
 * write with `addToOutbox()` inside the transaction instead of calling `publish()`.
 */
export class AuditClient {
  readonly factory: EventFactory;
  /** The confirming wrapper when `confirm` was given: `stats`, `check()`, `drain()`. */
  readonly confirmation: ConfirmingSink | undefined;
  private readonly sink: AuditSink;

  constructor(options: AuditClientOptions) {
    const { sink, confirm, ...factoryOptions } = options;
    this.factory = new EventFactory(factoryOptions);
    this.confirmation = confirm ? new ConfirmingSink(sink, confirm) : undefined;
    this.sink = this.confirmation ?? sink;
  }

  /** Typed builders for every catalog event type (build only; pass the result to `publish`). */
  get events(): CatalogBuilders {
    return this.factory.events;
  }

  /** Builds and validates an event of any type. */
  build<T extends string>(eventType: T, input: InputFor<T>): AuditEvent {
    return this.factory.build(eventType, input);
  }

  /** Sends one built event. */
  async publish(event: AuditEvent): Promise<SendResult> {
    const [result] = await this.sink.send([event]);
    return result!;
  }

  /** Sends several built events together (they share batches / requests). */
  publishAll(events: readonly AuditEvent[]): Promise<SendResult[]> {
    return this.sink.send(events);
  }

  /** Builds and sends in one step. */
  record<T extends string>(eventType: T, input: InputFor<T>): Promise<SendResult> {
    return this.publish(this.build(eventType, input));
  }

  /**
   * Records an authorization decision (`permission.check.allowed|denied`) and returns the
   * decision, so a guard can read `if (!(await audit.recordPermissionCheck({...}))) deny();`.
   * Repeated denials of one actor on one resource raise a CRITICAL anomaly on the server.
   */
  async recordPermissionCheck(input: PermissionCheckInput): Promise<boolean> {
    await this.publish(this.factory.permissionCheck(input));
    return input.allowed;
  }

  /**
   * Records a failed sign-in (`auth.login.failed`). Auth blocking functions only run for
   * sign-ins that succeed, so the app's login handler must report failures itself.
   */
  recordLoginFailed(input: LoginFailedInput): Promise<SendResult> {
    return this.publish(this.factory.loginFailed(input));
  }

  /** Flushes and closes the sink. */
  close(): Promise<void> {
    return this.sink.close();
  }
}
