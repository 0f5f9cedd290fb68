import { TestBed } from '@angular/core/testing';
import { describe, expect, it } from 'vitest';
import { DiffView } from './diff-view';

function render(inputs: { changes: unknown; changedFields: string[]; redactions: string[] }) {
  const fixture = TestBed.createComponent(DiffView);
  fixture.componentRef.setInput('changes', inputs.changes);
  fixture.componentRef.setInput('changedFields', inputs.changedFields);
  fixture.componentRef.setInput('redactions', inputs.redactions);
  fixture.detectChanges();
  return fixture.nativeElement as HTMLElement;
}

describe('DiffView', () => {
  it('renders before and after side by side with changed rows highlighted and redactions marked', () => {
    const el = render({
      changes: {
        before: { visibility: 'private', token: '[REDACTED]', name: 'web' },
        after: { visibility: 'public', token: '[REDACTED]', name: 'web' },
      },
      changedFields: ['token', 'visibility'],
      redactions: ['changes.before.token', 'changes.after.token'],
    });
    const rows = [...el.querySelectorAll('tbody tr')];
    expect(rows.map((r) => r.getAttribute('data-path'))).toEqual(['name', 'token', 'visibility']);
    const visibility = el.querySelector('tr[data-path="visibility"]')!;
    expect(visibility.classList).toContain('changed');
    expect(visibility.querySelector('td.before')!.textContent).toContain('"private"');
    expect(visibility.querySelector('td.after')!.textContent).toContain('"public"');
    expect(el.querySelector('tr[data-path="name"]')!.classList).not.toContain('changed');
    const token = el.querySelector('tr[data-path="token"]')!;
    expect(token.querySelectorAll('.redaction')).toHaveLength(2);
    expect(el.textContent).toContain('2 of 3 fields changed');
    // Screen readers hear which rows changed, not only see the colour.
    expect(visibility.querySelector('th')!.textContent).toContain('changed:');
  });

  it('says so when an entry has no changes', () => {
    const el = render({ changes: undefined, changedFields: [], redactions: [] });
    expect(el.querySelector('table')).toBeNull();
    expect(el.textContent).toContain('no before/after values');
  });
});
