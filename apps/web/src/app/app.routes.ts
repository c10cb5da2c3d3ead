import type { Routes } from '@angular/router';
import { requirePermission } from './core/auth/require-permission';

export const routes: Routes = [
  {
    path: '',
    pathMatch: 'full',
    title: 'Online exams',
    loadComponent: () => import('./home/home').then((m) => m.Home),
  },
  {
    // The embedded OpenID provider sends the browser here to sign in or create an account.
    path: 'interaction/:uid',
    title: 'Sign in',
    loadComponent: () => import('./interaction/interaction').then((m) => m.Interaction),
  },
  {
    // Where `requirePermission` sends a signed-in user who lacks the permission (the address bar
    // keeps the page they asked for).
    path: 'forbidden',
    title: 'No access',
    loadComponent: () => import('./forbidden/forbidden').then((m) => m.Forbidden),
  },
  {
    // Where the server sends the browser when signing in failed, with the reason and request id.
    path: 'sign-in-error',
    title: 'Signing in failed',
    loadComponent: () => import('./sign-in-error/sign-in-error').then((m) => m.SignInError),
  },
  {
    path: 'exams',
    title: 'Exams',
    loadComponent: () => import('./catalog/exam-catalog').then((m) => m.ExamCatalog),
  },
  {
    path: 'exams/:examId',
    title: 'Exam',
    loadComponent: () => import('./exam/exam-page').then((m) => m.ExamPage),
  },
  {
    path: 'attempts/:attemptId',
    title: 'Exam in progress',
    canActivate: [requirePermission('take:exams')],
    loadComponent: () => import('./take/attempt-player').then((m) => m.AttemptPlayer),
  },
  {
    path: 'attempts/:attemptId/result',
    title: 'Result',
    canActivate: [requirePermission('take:exams')],
    loadComponent: () => import('./results/attempt-result').then((m) => m.AttemptResultPage),
  },
  {
    path: 'me/results',
    title: 'My results',
    canActivate: [requirePermission('take:exams')],
    loadComponent: () => import('./results/my-results').then((m) => m.MyResults),
  },
  {
    path: 'authoring',
    canActivate: [requirePermission('manage:exams')],
    loadChildren: () => import('./authoring/authoring.routes').then((m) => m.authoringRoutes),
  },
  {
    path: 'admin',
    canActivate: [requirePermission('manage:users')],
    loadChildren: () => import('./admin/admin.routes').then((m) => m.adminRoutes),
  },
  {
    path: '**',
    title: 'Page not found',
    loadComponent: () => import('./not-found/not-found').then((m) => m.NotFound),
  },
];
