import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { Router, RouterLink } from '@angular/router';
import type { LogFilter, TimeRange } from '../logs/filters/log-filter';
import { LogBrowser } from '../logs/log-browser/log-browser';

/** What one actor (user, service account or system) did, newest first. */
@Component({
  selector: 'app-actor-activity-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, MatFormFieldModule, MatInputModule, MatButtonModule, RouterLink, LogBrowser],
  template: `
    <section class="page" aria-labelledby="actor-title">
      @if (actorId()) {
        <h1 id="actor-title" class="page-title">
          Activity of <span class="mono">{{ actorId() }}</span>
        </h1>
        <p class="crumbs"><a routerLink="/actors">Look up another actor</a></p>
        <app-log-browser
          [fixed]="fixed()"
          [defaultRange]="month"
          [label]="'Activity of ' + actorId()"
          accessView="actor_activity"
          report="access"
        />
      } @else {
        <h1 id="actor-title" class="page-title">Actor activity</h1>
        <p>Everything one user or service account did.</p>
        <form class="lookup" (ngSubmit)="go(id.value)" aria-label="Find an actor">
          <mat-form-field appearance="outline">
            <mat-label>Actor id</mat-label>
            <input matInput #id name="id" required autocomplete="off" />
          </mat-form-field>
          <button mat-flat-button type="submit">Show activity</button>
        </form>
      }
    </section>
  `,
  styleUrl: './lookup-page.scss',
})
export class ActorActivityPage {
  private readonly router = inject(Router);
  /** Route parameter (bound by the router). */
  readonly actorId = input<string>();

  protected readonly month: TimeRange = { preset: '30d' };
  protected readonly fixed = computed<Partial<LogFilter>>(() => ({ actorId: this.actorId() ?? null }));

  protected go(id: string): void {
    if (id.trim()) void this.router.navigate(['/actors', id.trim()]);
  }
}
