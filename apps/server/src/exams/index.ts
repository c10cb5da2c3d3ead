/*
 * The exams feature's front door: what the app and other features may use of it, and nothing
 * else. Everything not exported here is private to exams/.
 */
export { examNotFound } from './exam-errors.ts';
export { createExamLookup, type ExamLookup, type ExamToTake } from './exam-lookup.ts';
export type { QuestionRecord } from './exams.repository.ts';
export { keyedQuestion, type KeyedChoice, type KeyedQuestion } from './keyed-question.ts';
export { examsPlugin, type ExamsPluginOptions } from './exams.plugin.ts';
