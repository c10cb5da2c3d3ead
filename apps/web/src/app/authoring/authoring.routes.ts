import type { Routes } from '@angular/router';

/** Lazy-loaded under `/authoring`, behind `requirePermission('manage:exams')`. */
export const authoringRoutes: Routes = [
  {
    path: '',
    title: 'My exams',
    loadComponent: () => import('./my-exams').then((m) => m.MyExams),
  },
  {
    path: ':examId',
    title: 'Edit exam',
    loadComponent: () => import('./exam-editor').then((m) => m.ExamEditor),
  },
  {
    path: ':examId/attempts',
    title: 'Attempts',
    loadComponent: () => import('./exam-attempts').then((m) => m.ExamAttempts),
  },
];
