import type { Routes } from '@angular/router';
import { confirmLeavingUnsaved } from '../shared/unsaved-changes';

/**
 * Lazy-loaded under `/authoring`, behind `requirePermission('manage:exams')`. Pages with forms ask
 * before they are left with changes unsaved.
 */
export const authoringRoutes: Routes = [
  {
    path: '',
    title: 'My exams',
    canDeactivate: [confirmLeavingUnsaved],
    loadComponent: () => import('./my-exams').then((m) => m.MyExams),
  },
  {
    path: ':examId',
    title: 'Edit exam',
    canDeactivate: [confirmLeavingUnsaved],
    loadComponent: () => import('./exam-editor').then((m) => m.ExamEditor),
  },
  {
    path: ':examId/attempts',
    title: 'Attempts',
    loadComponent: () => import('./exam-attempts').then((m) => m.ExamAttempts),
  },
];
