import { inject } from '@angular/core';
import { Router, type CanActivateFn } from '@angular/router';
import { Session } from './session';

/** Routes behind sign-in: unknown users go to the sign-in page and come back afterwards. */
export const requireSignIn: CanActivateFn = async (_route, state) => {
  const session = inject(Session);
  const router = inject(Router);
  await session.settled();
  return session.signedIn() ? true : router.createUrlTree(['/login'], { queryParams: { returnUrl: state.url } });
};

/** Audit pages: a signed-in user without a reading role sees the "no access" page instead. */
export const requireAuditAccess: CanActivateFn = async () => {
  const session = inject(Session);
  const router = inject(Router);
  await session.settled();
  return session.canRead() ? true : router.createUrlTree(['/no-access']);
};
