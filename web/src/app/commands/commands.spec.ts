import { TestBed } from '@angular/core/testing';
import { Functions } from '@angular/fire/functions';
import type { CallableOutput } from '@audit-log/model/callables';
import { deleteApp, initializeApp, type FirebaseApp } from 'firebase/app';
import { connectFunctionsEmulator, getFunctions } from 'firebase/functions';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { CommandFailure, Commands } from './commands';

/** What the callable protocol carries: `{data}` up, `{result}` or `{error}` down. */
interface Exchange {
  url: string;
  body: unknown;
}

describe('Commands', () => {
  let app: FirebaseApp;
  let commands: Commands;
  let sent: Exchange[];
  let answer: { status: number; body: unknown };

  beforeEach(() => {
    sent = [];
    answer = { status: 200, body: { result: {} } };
    vi.stubGlobal('fetch', (url: string, init: { body: string }) => {
      sent.push({ url, body: JSON.parse(init.body) as unknown });
      return Promise.resolve(
        new Response(JSON.stringify(answer.body), {
          status: answer.status,
          headers: { 'Content-Type': 'application/json' },
        }),
      );
    });
    app = initializeApp({ projectId: 'demo-console', apiKey: 'demo-key' }, `commands-${Math.random()}`);
    const functions = getFunctions(app, 'us-central1');
    connectFunctionsEmulator(functions, '127.0.0.1', 5001);
    TestBed.configureTestingModule({ providers: [{ provide: Functions, useValue: functions }] });
    commands = TestBed.inject(Commands);
  });

  afterEach(async () => {
    vi.unstubAllGlobals();
    await deleteApp(app);
  });

  it('sends the request to the named callable and answers with its result', async () => {
    answer = { status: 200, body: { result: { exportId: 'exp-1' } } };
    const result = await commands.call('startExport', { format: 'csv', bom: true, filter: { levels: ['CRITICAL'] } });
    expect(result).toEqual({ exportId: 'exp-1' });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.url).toBe('http://127.0.0.1:5001/demo-console/us-central1/startExport');
    expect(sent[0]?.body).toEqual({ data: { format: 'csv', bom: true, filter: { levels: ['CRITICAL'] } } });
  });

  it('sends an empty request when a callable needs none and none is given', async () => {
    await commands.call('rotateWebhookSecret');
    expect(sent[0]?.url).toMatch(/\/rotateWebhookSecret$/);
    expect(sent[0]?.body).toEqual({ data: {} });
  });

  it("turns a refusal into a CommandFailure with the server's code and field problems", async () => {
    answer = {
      status: 400,
      body: {
        error: {
          status: 'INVALID_ARGUMENT',
          message: 'the export request breaks a rule',
          details: { code: 'invalid_argument', errors: [{ path: 'filter.from', message: 'must be before to' }] },
        },
      },
    };
    const failure = await commands.call('startExport', { format: 'json' }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(CommandFailure);
    const { code, message, fields } = failure as CommandFailure;
    expect(code).toBe('invalid_argument');
    expect(fields).toEqual([{ path: 'filter.from', message: 'must be before to' }]);
    // The SDK appends the HTTP status to the server's message.
    expect(message).toMatch(/^the export request breaks a rule\b/);
  });
});

/**
 * Compile-time checks of the caller, run by the lint's `tsc -p tsconfig.spec.json`: each
 * `@ts-expect-error` fails the lint if its line stops being an error. Never called.
 */
export function callerTypeChecks(commands: Commands): void {
  expectTypeOf(commands.call('startExport', { format: 'csv' })).resolves.toEqualTypeOf<{ exportId: string }>();
  expectTypeOf(commands.call('getTenantSettings')).resolves.toEqualTypeOf<CallableOutput<'getTenantSettings'>>();

  // @ts-expect-error a name the functions do not export
  void commands.call('startExports', { format: 'csv' });
  // @ts-expect-error a format the callable does not take
  void commands.call('startExport', { format: 'xlsx' });
  // @ts-expect-error a field the callable does not take
  void commands.call('cancelExport', { id: 'exp-1', force: true });
  // @ts-expect-error a required field left out
  void commands.call('decideReview', { logId: 'log-1', decision: 'approve' });
  // @ts-expect-error a request left out where one is required
  void commands.call('replayDeadLetter');
  // @ts-expect-error ids and all at once
  void commands.call('markNotificationsRead', { ids: ['n-1'], all: true });
  // @ts-expect-error the answer is not what the callable answers
  expectTypeOf(commands.call('generateReport', { kind: 'access', from: 'a', to: 'b' })).resolves.toEqualTypeOf<{
    exportId: string;
  }>();
}
