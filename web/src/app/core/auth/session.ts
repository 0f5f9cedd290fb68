import { Injectable, computed, inject, signal } from '@angular/core';
import { Auth } from '@angular/fire/auth';
import { onIdTokenChanged, signInWithEmailAndPassword, signOut, type User } from 'firebase/auth';
import { NO_CLAIMS, canReadAudit, claimsFrom, navFor, type Claims } from './roles';
import type { QueryScope } from '../../logs/query/log-query';

/**
 * The signed-in user and their claims, as signals. Claims are read from the ID token, so a role
 * change takes effect at the next token refresh (or sign-in), exactly as the security rules see it.
 */
@Injectable({ providedIn: 'root' })
export class Session {
  private readonly auth = inject(Auth);

  readonly user = signal<User | null>(null);
  readonly claims = signal<Claims>(NO_CLAIMS);
  /** False until Firebase Auth has restored (or not) the previous session. */
  readonly ready = signal(false);
  /** Tenant a platform admin chose to look at; ignored for everybody else. */
  private readonly chosenTenant = signal<string | null>(null);

  readonly signedIn = computed(() => this.user() !== null);
  readonly canRead = computed(() => canReadAudit(this.claims()));
  readonly nav = computed(() => navFor(this.claims()));
  /** The tenant every query is scoped to: the claim, or a platform admin's choice. */
  readonly tenantId = computed(() => {
    const claims = this.claims();
    return claims.platformAdmin ? (this.chosenTenant() ?? claims.tenantId) : claims.tenantId;
  });
  readonly scope = computed<QueryScope>(() => ({ tenantId: this.tenantId() ?? '' }));

  private readonly whenReady: Promise<void>;

  constructor() {
    let resolveReady: () => void = () => undefined;
    this.whenReady = new Promise((resolve) => (resolveReady = resolve));
    onIdTokenChanged(this.auth, (user) => {
      void this.adopt(user).finally(resolveReady);
    });
  }

  private async adopt(user: User | null): Promise<void> {
    const claims = user ? claimsFrom((await user.getIdTokenResult()).claims) : NO_CLAIMS;
    this.user.set(user);
    this.claims.set(claims);
    this.ready.set(true);
  }

  /** Resolves once the initial auth state is known. */
  async settled(): Promise<void> {
    await this.whenReady;
  }

  async signIn(email: string, password: string): Promise<void> {
    const credential = await signInWithEmailAndPassword(this.auth, email, password);
    await this.adopt(credential.user);
  }

  async signOut(): Promise<void> {
    await signOut(this.auth);
    this.chosenTenant.set(null);
  }

  /** Platform admins only: switch the tenant being viewed. */
  chooseTenant(tenantId: string | null): void {
    if (this.claims().platformAdmin) this.chosenTenant.set(tenantId);
  }
}
