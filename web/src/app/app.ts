import { BreakpointObserver } from '@angular/cdk/layout';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatListModule } from '@angular/material/list';
import { MatSidenavModule } from '@angular/material/sidenav';
import { MatToolbarModule } from '@angular/material/toolbar';
import { MatTooltipModule } from '@angular/material/tooltip';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { map } from 'rxjs';
import { Session } from './core/auth/session';
import { NotificationBell } from './alerts/notification-bell';
import { TenantPicker } from './shell/tenant-picker';

/** The shell: toolbar, role-adaptive navigation and the routed page. */
@Component({
  selector: 'app-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    RouterOutlet,
    RouterLink,
    RouterLinkActive,
    MatToolbarModule,
    MatSidenavModule,
    MatListModule,
    MatIconModule,
    MatButtonModule,
    MatTooltipModule,
    TenantPicker,
    NotificationBell,
  ],
  templateUrl: './app.html',
  styleUrl: './app.scss',
})
export class App {
  protected readonly session = inject(Session);
  private readonly router = inject(Router);

  /** Side-by-side navigation on wide screens, an overlay drawer on phones. */
  protected readonly narrow = toSignal(
    inject(BreakpointObserver)
      .observe('(max-width: 900px)')
      .pipe(map((state) => state.matches)),
    { initialValue: false },
  );
  protected readonly showNav = computed(() => this.session.signedIn() && this.session.nav().length > 0);
  /** "Tenant acme · admin", shown under the user's email. */
  protected readonly badge = computed(() => {
    const claims = this.session.claims();
    const tenant = this.session.tenantId();
    const role = claims.platformAdmin ? 'platform admin' : (claims.role ?? 'no role');
    return `${tenant ? `Tenant ${tenant}` : 'No tenant'} · ${role}`;
  });
  protected readonly who = computed(() => {
    const user = this.session.user();
    return user?.email ?? user?.uid ?? '';
  });

  protected async signOut(): Promise<void> {
    await this.session.signOut();
    await this.router.navigate(['/login']);
  }
}
