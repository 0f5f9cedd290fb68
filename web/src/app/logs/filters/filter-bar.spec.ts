import type { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { describe, expect, it } from 'vitest';
import { FilterBar, type FilterCheck } from './filter-bar';
import { emptyFilter, type LogFilter } from './log-filter';

interface Options {
  filter?: LogFilter;
  locked?: (keyof LogFilter)[];
  check?: FilterCheck;
}

async function render(options: Options = {}) {
  const fixture = TestBed.createComponent(FilterBar);
  fixture.componentRef.setInput('filter', options.filter ?? emptyFilter());
  fixture.componentRef.setInput('scope', { tenantId: 'tenant-a' });
  if (options.locked) fixture.componentRef.setInput('locked', options.locked);
  // Every draft passes unless a test says otherwise, so the bar is tested apart from the planner.
  fixture.componentRef.setInput('check', options.check ?? (() => null));
  const applied: LogFilter[] = [];
  fixture.componentInstance.applied.subscribe((f) => applied.push(f));
  const loader = TestbedHarnessEnvironment.loader(fixture);
  await fixture.whenStable();
  return { fixture, loader, applied };
}

function input(loader: HarnessLoader, name: string): Promise<MatInputHarness> {
  return loader.getHarness(MatInputHarness.with({ selector: `[name="${name}"]` }));
}

function apply(loader: HarnessLoader): Promise<void> {
  return loader.getHarness(MatButtonHarness.with({ text: /Apply/ })).then((button) => button.click());
}

describe('FilterBar', () => {
  it('emits the edited filter on Apply only, with text trimmed and the keyword lower-cased', async () => {
    const { loader, applied } = await render();
    const level = await loader.getHarness(MatSelectHarness.with({ selector: '[data-testid="filter-level"]' }));
    await level.open();
    await level.clickOptions({ text: 'Critical' });
    await level.clickOptions({ text: 'Error' });
    const category = await loader.getHarness(MatSelectHarness.with({ selector: '[data-testid="filter-category"]' }));
    await category.open();
    await category.clickOptions({ text: 'Security' });
    const operation = await loader.getHarness(MatSelectHarness.with({ selector: '[data-testid="filter-operation"]' }));
    await operation.open();
    await operation.clickOptions({ text: 'Delete' });
    await operation.clickOptions({ text: 'Create' });
    await (await input(loader, 'eventType')).setValue('  repo.visibility_changed ');
    await (await input(loader, 'resourceId')).setValue('   ');
    await (await input(loader, 'keyword')).setValue(' Ada@Example.COM ');
    expect(applied).toEqual([]);

    await apply(loader);
    expect(applied).toEqual([
      emptyFilter({
        // Options come back in list order, whatever order they were picked in.
        levels: ['ERROR', 'CRITICAL'],
        categories: ['SECURITY'],
        operations: ['CREATE', 'DELETE'],
        eventType: 'repo.visibility_changed',
        keyword: 'ada@example.com',
      }),
    ]);
  });

  it('emits a preset time range, and explicit bounds for a custom one', async () => {
    const { loader, applied } = await render();
    const range = await loader.getHarness(MatSelectHarness.with({ selector: '[data-testid="filter-range"]' }));
    await range.clickOptions({ text: 'Last 24 hours' });
    await apply(loader);
    expect(applied[0]?.range).toEqual({ preset: '24h' });

    await range.clickOptions({ text: 'Custom range' });
    const from = await input(loader, 'from');
    await from.setValue('2026-05-01T08:30');
    // The bar reads the bounds on `change`, as a browser sends it when a date picker closes.
    await (await from.host()).dispatchEvent('change');
    await apply(loader);
    expect(applied[1]?.range).toEqual({ preset: 'custom', from: new Date(2026, 4, 1, 8, 30), to: null });
  });

  it('disables Apply and says why while the check refuses the draft', async () => {
    const check: FilterCheck = (f) => (f.levels.includes('ERROR') ? { message: 'No index serves ERROR' } : null);
    const { fixture, loader, applied } = await render({ check, filter: emptyFilter({ levels: ['ERROR'] }) });
    const button = await loader.getHarness(MatButtonHarness.with({ text: /Apply/ }));
    expect(await button.isDisabled()).toBe(true);
    const problem = () => (fixture.nativeElement as HTMLElement).querySelector('[data-testid="filter-problem"]');
    expect(problem()?.textContent).toContain('No index serves ERROR');

    // Unpicking the level the check refuses makes the draft acceptable again.
    const level = await loader.getHarness(MatSelectHarness.with({ selector: '[data-testid="filter-level"]' }));
    await level.open();
    await level.clickOptions({ text: 'Error' });
    expect(await button.isDisabled()).toBe(false);
    expect(problem()).toBeNull();
    await apply(loader);
    expect(applied).toHaveLength(1);
  });

  it('resets to the default range and keeps the fields the page locked', async () => {
    const filter = emptyFilter({ range: { preset: '1h' }, actorId: 'u-9', levels: ['ERROR'], keyword: 'ada' });
    const { loader, applied } = await render({ filter, locked: ['actorId'] });
    expect(await loader.getAllHarnesses(MatInputHarness.with({ selector: '[name="actorId"]' }))).toHaveLength(0);

    await (await loader.getHarness(MatButtonHarness.with({ text: 'Reset' }))).click();
    expect(applied).toEqual([emptyFilter({ actorId: 'u-9' })]);
  });
});
