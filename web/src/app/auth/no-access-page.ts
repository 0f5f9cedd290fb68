import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { Router } from '@angular/router';
import { Session } from '../core/auth/session';

/** What a signed-in user without an audit role (e.g. `member`) sees instead of any data. */
@Component({
  selector: 'app-no-access-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatIconModule],
  template: `
    <section class="page no-access" data-testid="no-access" aria-labelledby="no-access-title">
      <mat-icon class="icon" aria-hidden="true">lock</mat-icon>
      <h1 id="no-access-title" class="page-title">No access to the audit log</h1>
      <p>
        You are signed in as <strong>{{ session.user()?.email }}</strong>
        @if (session.claims().tenantId; as tenant) {
          in tenant <strong>{{ tenant }}</strong>
        }
        with the role <strong>{{ session.claims().role ?? 'none' }}</strong>.
      </p>
      <p>
        Audit entries are visible to the admin, auditor, reviewer and compliance roles only. Ask a tenant administrator
        for one of these roles, then sign in again.
      </p>
      <button mat-stroked-button type="button" (click)="signOut()">Sign in with another account</button>
    </section>
  `,
  styles: `
    .no-access {
      max-width: 640px;
      text-align: center;
      padding-top: 48px;
    }
    .icon {
      font-size: 48px;
      width: 48px;
      height: 48px;
      color: var(--mat-sys-outline);
    }
  `,
})
export class NoAccessPage {
  protected readonly session = inject(Session);
  private readonly router = inject(Router);

  protected async signOut(): Promise<void> {
    await this.session.signOut();
    await this.router.navigate(['/login']);
  }
}
