import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router } from '@angular/router';
import { Session } from '../core/auth/session';

/** Messages for the Auth error codes a user can cause; anything else is shown as is. */
const SIGN_IN_ERRORS: Readonly<Record<string, string>> = {
  'auth/invalid-credential': 'Email or password is wrong.',
  'auth/invalid-email': 'That is not a valid email address.',
  'auth/user-disabled': 'This account is disabled.',
  'auth/too-many-requests': 'Too many attempts. Wait a moment and try again.',
  'auth/network-request-failed': 'Cannot reach the Auth emulator on 127.0.0.1:9099. Is it running?',
};

/** Only same-site paths, so a crafted link cannot send the user to another site after sign-in. */
export function safeReturnUrl(value: string | undefined): string {
  return value && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : '/';
}

/** Email/password sign-in against the Auth emulator. */
@Component({
  selector: 'app-login-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, MatCardModule, MatFormFieldModule, MatInputModule, MatButtonModule, MatProgressBarModule],
  template: `
    <div class="wrap">
      <mat-card appearance="outlined" class="card">
        <mat-card-header>
          <mat-card-title><h1>Sign in</h1></mat-card-title>
          <mat-card-subtitle>Audit console</mat-card-subtitle>
        </mat-card-header>
        @if (busy()) {
          <mat-progress-bar mode="indeterminate" aria-label="Signing in" />
        }
        <mat-card-content>
          <form (ngSubmit)="submit()" #form="ngForm" aria-label="Sign in">
            <mat-form-field appearance="outline">
              <mat-label>Email</mat-label>
              <input matInput type="email" name="email" [(ngModel)]="email" required autocomplete="username" />
            </mat-form-field>
            <mat-form-field appearance="outline">
              <mat-label>Password</mat-label>
              <input
                matInput
                type="password"
                name="password"
                [(ngModel)]="password"
                required
                autocomplete="current-password"
              />
            </mat-form-field>
            @if (error(); as message) {
              <p class="error" role="alert" data-testid="login-error">{{ message }}</p>
            }
            <button mat-flat-button type="submit" [disabled]="busy() || form.invalid">Sign in</button>
          </form>
        </mat-card-content>
      </mat-card>
    </div>
  `,
  styles: `
    .wrap {
      display: flex;
      justify-content: center;
      padding: 48px 16px;
    }
    .card {
      width: 100%;
      max-width: 400px;
    }
    h1 {
      margin: 0;
      font: var(--mat-sys-headline-small);
    }
    form {
      display: flex;
      flex-direction: column;
      gap: 4px;
      padding-top: 16px;
    }
    .error {
      color: var(--mat-sys-error);
      margin: 0 0 12px;
    }
  `,
})
export class LoginPage {
  private readonly session = inject(Session);
  private readonly router = inject(Router);

  /** Where to go after signing in (a query parameter set by the sign-in guard; absent = home). */
  readonly returnUrl = input<string | undefined>();

  protected email = '';
  protected password = '';
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  protected async submit(): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      await this.session.signIn(this.email.trim(), this.password);
      await this.router.navigateByUrl(safeReturnUrl(this.returnUrl()));
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      this.error.set(SIGN_IN_ERRORS[code] ?? (err instanceof Error ? err.message : 'Sign-in failed.'));
    } finally {
      this.busy.set(false);
    }
  }
}
