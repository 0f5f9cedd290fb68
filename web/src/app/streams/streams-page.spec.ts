import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { signal } from '@angular/core';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { TestBed } from '@angular/core/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CommandFailure, Commands } from '../commands/commands';
import type { Claims } from '../core/auth/roles';
import { Session } from '../core/auth/session';
import { StreamSource } from './stream-source';
import { StreamsPage } from './streams-page';
import { streamRows, type StreamRow } from './streams-model';

const ROWS: StreamRow[] = streamRows([
  {
    id: 'siem',
    data: {
      name: 'SIEM',
      url: 'https://siem.example.com/in',
      status: 'active',
      health: {
        deliveredCount: 12345,
        lagMs: 180_000,
        consecutiveFailures: 2,
        lastError: { message: 'HTTP 503', at: { toDate: () => new Date('2026-12-01T10:00:00Z') } },
      },
    },
  },
  { id: 'lake', data: { name: 'Lake', url: 'https://lake.example.com/in', status: 'paused', health: {} } },
  {
    id: 'topic',
    data: { name: 'Topic', kind: 'pubsub', topic: 'projects/acme-prod/topics/audit', status: 'active', health: {} },
  },
]);

function setup(claims: Claims) {
  const watch = vi.fn((_tenantId: string, next: (rows: StreamRow[]) => void) => {
    next(ROWS);
    return () => undefined;
  });
  const call = vi.fn();
  TestBed.configureTestingModule({
    providers: [
      { provide: StreamSource, useValue: { watch } },
      { provide: Commands, useValue: { call } },
      { provide: Session, useValue: { claims: signal(claims), tenantId: signal(claims.tenantId) } },
    ],
  });
  const fixture = TestBed.createComponent(StreamsPage);
  fixture.detectChanges();
  const el = fixture.nativeElement as HTMLElement;
  const button = (row: string, label: string) =>
    [...el.querySelectorAll<HTMLButtonElement>(`tr[data-sink="${row}"] button`)].find(
      (b) => b.textContent?.trim() === label,
    )!;
  return { fixture, el, watch, call, button };
}

describe('StreamsPage', () => {
  beforeEach(() => TestBed.resetTestingModule());

  it("shows each stream's health: state, lag, delivered count and last error, failing first", () => {
    const { el, watch } = setup({ tenantId: 'tenant-a', role: 'admin', platformAdmin: false });
    expect(watch).toHaveBeenCalledWith('tenant-a', expect.any(Function), expect.any(Function));
    const rows = [...el.querySelectorAll('tr[data-sink]')].map((tr) => tr.textContent?.replace(/\s+/g, ' ').trim());
    expect(rows[0]).toContain('SIEM');
    expect(rows[0]).toContain('failing');
    expect(rows[0]).toContain('3 min');
    expect(rows[0]).toContain('12,345');
    expect(rows[0]).toContain('HTTP 503');
    expect(rows[0]).toContain('2 in a row');
    expect(rows[1]).toContain('paused');
    expect(rows[1]).toContain('caught up');
  });

  it('pauses, resumes, runs now and replays through the callables', async () => {
    const { fixture, el, call, button } = setup({ tenantId: 'tenant-a', role: 'admin', platformAdmin: false });
    call.mockResolvedValue({ sinks: [{ delivered: 7, status: 'caught_up' }] });
    button('siem', 'Pause').click();
    await fixture.whenStable();
    expect(call).toHaveBeenLastCalledWith('pauseSink', { sinkId: 'siem' });
    button('lake', 'Resume').click();
    await fixture.whenStable();
    expect(call).toHaveBeenLastCalledWith('resumeSink', { sinkId: 'lake' });
    button('siem', 'Run now').click();
    await fixture.whenStable();
    fixture.detectChanges();
    expect(call).toHaveBeenLastCalledWith('runSinks', { sinkId: 'siem' });
    expect(el.querySelector('[data-testid="stream-message"]')?.textContent).toContain('7 entries delivered');

    const input = el.querySelector<HTMLInputElement>('tr[data-sink="siem"] input[type="datetime-local"]')!;
    input.value = '2026-12-01T09:30';
    input.dispatchEvent(new Event('change'));
    button('siem', 'Replay').click();
    await fixture.whenStable();
    expect(call).toHaveBeenLastCalledWith('replaySink', {
      sinkId: 'siem',
      from: new Date('2026-12-01T09:30').toISOString(),
    });
  });

  it("shows the server's field problems beside the fields, and the new stream's key once", async () => {
    const { fixture, el, call } = setup({ tenantId: 'tenant-a', role: 'admin', platformAdmin: false });
    call.mockRejectedValueOnce(
      new CommandFailure('invalid_argument', 'the request data breaks a rule', [
        { path: 'url', message: 'must use https' },
      ]),
    );
    el.querySelector<HTMLFormElement>('form.create')!.dispatchEvent(new Event('submit'));
    await fixture.whenStable();
    fixture.detectChanges();
    expect(el.querySelector('form.create')?.textContent).toContain('must use https');

    call.mockResolvedValueOnce({ sinkId: 's2', secret: 'whsec_shown_once', auditLogId: 'a'.repeat(32) });
    el.querySelector<HTMLFormElement>('form.create')!.dispatchEvent(new Event('submit'));
    await fixture.whenStable();
    fixture.detectChanges();
    expect(call).toHaveBeenLastCalledWith('createSink', { kind: 'webhook', name: '', url: '' });
    expect(el.querySelector('[data-testid="stream-secret"]')?.textContent).toContain('whsec_shown_once');
    expect(el.querySelector('form.create')?.textContent).not.toContain('must use https');
  });

  it('creates a Pub/Sub or a Storage stream with its own fields, and shows their field problems', async () => {
    const { fixture, el, call } = setup({ tenantId: 'tenant-a', role: 'admin', platformAdmin: false });
    expect(el.querySelector('tr[data-sink="topic"] [data-testid="stream-destination"]')?.textContent).toContain(
      'pubsub · projects/acme-prod/topics/audit',
    );
    const loader = TestbedHarnessEnvironment.loader(fixture);
    const kind = await loader.getHarness(MatSelectHarness.with({ selector: '[data-testid="stream-kind"]' }));
    const submit = async () => {
      el.querySelector<HTMLFormElement>('form.create')!.dispatchEvent(new Event('submit'));
      await fixture.whenStable();
      fixture.detectChanges();
    };

    await kind.clickOptions({ text: 'Pub/Sub topic' });
    expect(el.querySelector('input[name="url"]')).toBeNull();
    await (await loader.getHarness(MatInputHarness.with({ selector: '[name="name"]' }))).setValue('SIEM topic');
    await (await loader.getHarness(MatInputHarness.with({ selector: '[name="topic"]' }))).setValue('audit-events');
    call.mockRejectedValueOnce(
      new CommandFailure('invalid_argument', 'the request data breaks a rule', [
        { path: 'topic', message: 'in this project, must be "sinks.tenant-a"' },
      ]),
    );
    await submit();
    expect(call).toHaveBeenLastCalledWith('createSink', { kind: 'pubsub', name: 'SIEM topic', topic: 'audit-events' });
    expect(el.querySelector('form.create')?.textContent).toContain('must be "sinks.tenant-a"');

    await kind.clickOptions({ text: 'Storage (NDJSON)' });
    expect(el.querySelector('input[name="topic"]')).toBeNull();
    await (await loader.getHarness(MatInputHarness.with({ selector: '[name="bucket"]' }))).setValue('lake');
    await (await loader.getHarness(MatInputHarness.with({ selector: '[name="prefix"]' }))).setValue(' raw ');
    call.mockResolvedValueOnce({ sinkId: 's3', secret: 'whsec_lake', auditLogId: 'b'.repeat(32) });
    await submit();
    expect(call).toHaveBeenLastCalledWith('createSink', {
      kind: 'storage',
      name: 'SIEM topic',
      bucket: 'lake',
      prefix: 'raw',
    });
    expect(el.querySelector('[data-testid="stream-secret"]')?.textContent).toContain('whsec_lake');
  });

  it('lists nothing for a platform admin or another role: streams are the tenant admins’', () => {
    for (const claims of [
      { tenantId: null, role: null, platformAdmin: true },
      { tenantId: 'tenant-a', role: 'auditor', platformAdmin: false },
    ] satisfies Claims[]) {
      TestBed.resetTestingModule();
      const { el, watch } = setup(claims);
      expect(watch).not.toHaveBeenCalled();
      expect(el.textContent).toContain("managed by the tenant's admins");
    }
  });
});
