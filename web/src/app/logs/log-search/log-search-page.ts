import { ChangeDetectionStrategy, Component } from '@angular/core';
import { LogBrowser } from '../log-browser/log-browser';

/** Free search over the tenant's log; every filter lives in the URL. */
@Component({
  selector: 'app-log-search-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [LogBrowser],
  template: `
    <section class="page" aria-labelledby="search-title">
      <h1 id="search-title" class="page-title">Log search</h1>
      <app-log-browser label="Audit log entries, newest first" />
    </section>
  `,
})
export class LogSearchPage {}
