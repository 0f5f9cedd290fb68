import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  type ElementRef,
  afterNextRender,
  effect,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import type { EChartsCoreOption, EChartsType } from 'echarts/core';

/**
 * One ECharts chart. The library is fetched the first time a chart renders (`import()`), and the
 * chart is described for screen readers by `summary` (canvas content is invisible to them).
 */
@Component({
  selector: 'app-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <figure class="figure">
      <figcaption class="caption">{{ title() }}</figcaption>
      <div
        #canvas
        class="canvas"
        role="img"
        [attr.aria-label]="title() + ': ' + summary()"
        [style.height.px]="height()"
      ></div>
      @if (failed()) {
        <p class="failed">The chart could not be drawn. {{ summary() }}</p>
      }
    </figure>
  `,
  styles: `
    :host {
      display: block;
    }
    .figure {
      margin: 0;
    }
    .caption {
      font: var(--mat-sys-title-small);
      margin-bottom: 8px;
    }
    .canvas {
      width: 100%;
    }
    .failed {
      color: var(--mat-sys-error);
    }
  `,
})
export class Chart {
  readonly title = input.required<string>();
  readonly option = input.required<EChartsCoreOption>();
  /** A sentence with the chart's figures, for assistive technology. */
  readonly summary = input.required<string>();
  readonly height = input(280);

  protected readonly failed = signal(false);
  private readonly canvas = viewChild.required<ElementRef<HTMLElement>>('canvas');
  private readonly chart = signal<EChartsType | null>(null);

  constructor() {
    const destroyRef = inject(DestroyRef);
    afterNextRender(() => {
      import('./echarts-setup')
        .then(({ init }) => {
          const host = this.canvas().nativeElement;
          const chart = init(host, undefined, { renderer: 'canvas' });
          const observer = new ResizeObserver(() => chart.resize());
          observer.observe(host);
          destroyRef.onDestroy(() => {
            observer.disconnect();
            chart.dispose();
          });
          this.chart.set(chart);
        })
        .catch(() => this.failed.set(true));
    });
    effect(() => {
      this.chart()?.setOption(this.option(), { notMerge: true });
    });
  }
}
