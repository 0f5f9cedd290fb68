import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { Session } from '../core/auth/session';

/** Platform admins read across tenants (read-only); this chooses which tenant they look at. */
@Component({
  selector: 'app-tenant-picker',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatIconModule],
  template: `
    <form class="picker" (submit)="$event.preventDefault(); apply(input.value)">
      <label for="tenant-picker">View tenant</label>
      <input id="tenant-picker" #input [value]="session.tenantId() ?? ''" autocomplete="off" spellcheck="false" />
      <button mat-icon-button type="submit" aria-label="Switch tenant"><mat-icon>swap_horiz</mat-icon></button>
    </form>
  `,
  styles: `
    .picker {
      display: flex;
      align-items: center;
      gap: 6px;
      font: var(--mat-sys-body-small);
    }
    input {
      width: 140px;
      padding: 4px 6px;
      border: 1px solid var(--mat-sys-outline);
      border-radius: 4px;
      background: var(--mat-sys-surface);
      color: inherit;
    }
  `,
})
export class TenantPicker {
  protected readonly session = inject(Session);

  protected apply(value: string): void {
    const tenant = value.trim();
    this.session.chooseTenant(tenant === '' ? null : tenant);
  }
}
