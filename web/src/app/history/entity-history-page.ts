import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { Router, RouterLink } from '@angular/router';
import type { LogFilter, TimeRange } from '../logs/filters/log-filter';
import { LogBrowser } from '../logs/log-browser/log-browser';

/** Everything that happened to one resource (type + id), newest first, warm and archived days alike. */
@Component({
  selector: 'app-entity-history-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, MatFormFieldModule, MatInputModule, MatButtonModule, RouterLink, LogBrowser],
  template: `
    <section class="page" aria-labelledby="entity-title">
      @if (resourceType() && resourceId()) {
        <h1 id="entity-title" class="page-title">
          History of <span class="mono">{{ resourceType() }}/{{ resourceId() }}</span>
        </h1>
        <p class="crumbs"><a routerLink="/entities">Look up another entity</a></p>
        <app-log-browser
          [fixed]="fixed()"
          [defaultRange]="allTime"
          report="change"
          [label]="'History of ' + resourceType() + '/' + resourceId()"
          accessView="entity_history"
        />
      } @else {
        <h1 id="entity-title" class="page-title">Entity history</h1>
        <p>Every audit entry about one resource, for example a repository or an issue.</p>
        <form class="lookup" (ngSubmit)="go(type.value, id.value)" aria-label="Find an entity">
          <mat-form-field appearance="outline">
            <mat-label>Resource type</mat-label>
            <input matInput #type name="type" required placeholder="repository" autocomplete="off" />
          </mat-form-field>
          <mat-form-field appearance="outline">
            <mat-label>Resource id</mat-label>
            <input matInput #id name="id" required autocomplete="off" />
          </mat-form-field>
          <button mat-flat-button type="submit">Show history</button>
        </form>
      }
    </section>
  `,
  styleUrl: './lookup-page.scss',
})
export class EntityHistoryPage {
  private readonly router = inject(Router);
  /** Route parameters (bound by the router). */
  readonly resourceType = input<string>();
  readonly resourceId = input<string>();

  protected readonly allTime: TimeRange = { preset: 'all' };
  protected readonly fixed = computed<Partial<LogFilter>>(() => ({
    resourceType: this.resourceType() ?? null,
    resourceId: this.resourceId() ?? null,
  }));

  protected go(type: string, id: string): void {
    if (type.trim() && id.trim()) void this.router.navigate(['/entities', type.trim(), id.trim()]);
  }
}
