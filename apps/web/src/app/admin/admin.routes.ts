import type { Routes } from '@angular/router';

/** Lazy-loaded under `/admin`, behind `requirePermission('manage:users')`. */
export const adminRoutes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'users' },
  {
    path: 'users',
    title: 'Users',
    loadComponent: () => import('./users').then((m) => m.Users),
  },
];
