import type { Routes } from '@angular/router';
import { requireAuditAccess, requireSignIn } from './core/auth/guards';

/** Every page is lazy, so the first paint only loads the shell and the page in view. */
export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'dashboard' },
  {
    path: 'login',
    title: 'Sign in · Audit console',
    loadComponent: () => import('./auth/login-page').then((m) => m.LoginPage),
  },
  {
    path: 'no-access',
    title: 'No access · Audit console',
    canActivate: [requireSignIn],
    loadComponent: () => import('./auth/no-access-page').then((m) => m.NoAccessPage),
  },
  {
    path: '',
    canActivateChild: [requireSignIn, requireAuditAccess],
    children: [
      {
        path: 'dashboard',
        title: 'Dashboard · Audit console',
        loadComponent: () => import('./dashboard/dashboard-page').then((m) => m.DashboardPage),
      },
      {
        path: 'logs',
        title: 'Log search · Audit console',
        loadComponent: () => import('./logs/log-search/log-search-page').then((m) => m.LogSearchPage),
      },
      {
        path: 'logs/:logId',
        title: 'Entry · Audit console',
        loadComponent: () => import('./entry/entry-detail/entry-detail-page').then((m) => m.EntryDetailPage),
      },
      {
        path: 'entities',
        title: 'Entity history · Audit console',
        loadComponent: () => import('./history/entity-history-page').then((m) => m.EntityHistoryPage),
      },
      {
        path: 'entities/:resourceType/:resourceId',
        title: 'Entity history · Audit console',
        loadComponent: () => import('./history/entity-history-page').then((m) => m.EntityHistoryPage),
      },
      {
        path: 'actors',
        title: 'Actor activity · Audit console',
        loadComponent: () => import('./history/actor-activity-page').then((m) => m.ActorActivityPage),
      },
      {
        path: 'review',
        title: 'Review queue · Audit console',
        loadComponent: () => import('./review/review-page').then((m) => m.ReviewPage),
      },
      {
        path: 'operations',
        title: 'Operations · Audit console',
        loadComponent: () => import('./operations/operations-page').then((m) => m.OperationsPage),
      },
      {
        path: 'streams',
        title: 'Streams · Audit console',
        loadComponent: () => import('./streams/streams-page').then((m) => m.StreamsPage),
      },
      {
        path: 'exports',
        title: 'Exports · Audit console',
        loadComponent: () => import('./exports/exports-page').then((m) => m.ExportsPage),
      },
      {
        path: 'reports',
        title: 'Reports · Audit console',
        loadComponent: () => import('./reports/reports-page').then((m) => m.ReportsPage),
      },
      {
        path: 'archive',
        title: 'Archive · Audit console',
        loadComponent: () => import('./archive/archive-page').then((m) => m.ArchivePage),
      },
      {
        path: 'integrity',
        title: 'Integrity · Audit console',
        loadComponent: () => import('./integrity/integrity-page').then((m) => m.IntegrityPage),
      },
      {
        path: 'settings',
        title: 'Tenant settings · Audit console',
        loadComponent: () => import('./settings/settings-page').then((m) => m.SettingsPage),
      },
      {
        path: 'actors/:actorId',
        title: 'Actor activity · Audit console',
        loadComponent: () => import('./history/actor-activity-page').then((m) => m.ActorActivityPage),
      },
    ],
  },
  { path: '**', redirectTo: 'dashboard' },
];
