/**
 * A scenario: the applicant's answers to a theme's questions, and the matters
 * that apply under them (rules as data, JSON Logic), in an order that puts
 * every prerequisite (前置事项) before the matters waiting for it.
 */
import { validationError, type FieldError } from '../errors/index.js';
import { holds } from './json-logic.js';
import { answerFits } from './mappings/load-mappings.js';
import type { ThemeMapping, ThemeMatter } from './mappings/types.js';

export type Answers = Readonly<Record<string, boolean | string | number>>;

/**
 * Validates answers against the theme's questions and fills defaults.
 * @throws TongbanError VALIDATION_FAILED naming `/answers/<id>` for each problem.
 */
export function resolveAnswers(theme: ThemeMapping, given: unknown): Answers {
  if (given !== undefined && (typeof given !== 'object' || given === null || Array.isArray(given))) {
    throw validationError([{ pointer: '/answers', message: 'must be an object of question id → answer' }]);
  }
  const raw = (given ?? {}) as Record<string, unknown>;
  const errors: FieldError[] = [];
  const answers: Record<string, boolean | string | number> = {};
  const questions = new Map(theme.questions.map((question) => [question.id, question]));
  for (const key of Object.keys(raw)) if (!questions.has(key)) errors.push({ pointer: `/answers/${key}`, message: 'is not a question of this theme' });
  for (const question of theme.questions) {
    const value = raw[question.id] ?? question.default;
    if (value === undefined) {
      errors.push({ pointer: `/answers/${question.id}`, message: `is required (${question.label})` });
    } else if (!answerFits(question, value)) {
      const expected = question.type === 'enum' ? `one of ${(question.options ?? []).map((option) => option.value).join(', ')}` : question.type;
      errors.push({ pointer: `/answers/${question.id}`, message: `must be ${expected}` });
    } else {
      answers[question.id] = value as boolean | string | number;
    }
  }
  if (errors.length > 0) throw validationError(errors, 'The answers do not fit the theme\'s questions');
  return answers;
}

/** The applicable matters in order: prerequisites first, otherwise the theme's order. */
export function applicableMatters(theme: ThemeMapping, answers: Answers): ThemeMatter[] {
  const applicable = theme.matters.filter((matter) => holds(matter.when, answers));
  const codes = new Set(applicable.map((matter) => matter.code));
  const ordered: ThemeMatter[] = [];
  const placed = new Set<string>();
  const place = (matter: ThemeMatter) => {
    if (placed.has(matter.code)) return;
    placed.add(matter.code);
    for (const prerequisite of matter.after) {
      const before = applicable.find((candidate) => candidate.code === prerequisite);
      if (before) place(before);
    }
    ordered.push({ ...matter, after: matter.after.filter((code) => codes.has(code)) });
  };
  applicable.forEach(place);
  return ordered;
}

/**
 * The subjects that are another of the theme's subjects under these answers
 * (`sameAs`: the 监护人 is the mother): subject → the subject it is. Such a
 * subject has no holder of its own; its licence uses are the other's.
 */
export function subjectBindings(theme: ThemeMapping, answers: Answers): ReadonlyMap<string, string> {
  const bound = new Map<string, string>();
  for (const [subject, cases] of theme.sameAs) {
    const match = cases.find((entry) => holds(entry.when, answers));
    if (match) bound.set(subject, match.subject);
  }
  return bound;
}
