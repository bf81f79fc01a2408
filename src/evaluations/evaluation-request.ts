/**
 * The body of `POST /v1/applications/{id}/evaluations`, checked against the
 * domain tables (src/domain/evaluation.ts): every fault named by its JSON Pointer.
 */
import {
  EVALUATION_CHANNELS, EVALUATION_INDICATORS, isEvaluationIndicator, isEvaluationLevel, MAX_EVALUATION_COMMENT_LENGTH,
  type EvaluationChannel, type EvaluationIndicator, type EvaluationLevel, type EvaluationScope,
} from '../domain/evaluation.js';
import { validationError, type FieldError } from '../errors/index.js';

/** What the applicant rated, as the gateway stores it. */
export interface EvaluationRequest {
  readonly scope: EvaluationScope;
  /** The matter rated (scope `matter`). */
  readonly matterCode?: string;
  readonly level: EvaluationLevel;
  readonly indicators: readonly EvaluationIndicator[];
  readonly comment: string;
  readonly channel: EvaluationChannel;
}

const KNOWN = new Set(['scope', 'matterCode', 'level', 'indicators', 'comment', 'channel']);
const SCOPES: readonly EvaluationScope[] = ['matter', 'theme'];

/**
 * The request, or a 400 VALIDATION_FAILED naming every field at fault.
 * A 差评 (level ≤ 2) must name at least one indicator: what went wrong.
 */
export function readEvaluationRequest(body: unknown): EvaluationRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw validationError([{ pointer: '', message: 'must be a JSON object' }]);
  const input = body as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const key of Object.keys(input)) if (!KNOWN.has(key)) errors.push({ pointer: `/${key}`, message: 'is not a member of an evaluation' });
  const scope = input['scope'];
  if (!SCOPES.includes(scope as EvaluationScope)) errors.push({ pointer: '/scope', message: 'must be "matter" (one matter) or "theme" (the whole 一件事)' });
  const matterCode = input['matterCode'];
  if (scope === 'matter' && (typeof matterCode !== 'string' || !/^[0-9A-Za-z]{1,64}$/.test(matterCode))) {
    errors.push({ pointer: '/matterCode', message: 'must be the code of the matter rated (scope "matter")' });
  }
  if (scope === 'theme' && matterCode !== undefined) errors.push({ pointer: '/matterCode', message: 'must be absent when the whole 一件事 is rated (scope "theme")' });
  const level = input['level'];
  if (!isEvaluationLevel(level)) errors.push({ pointer: '/level', message: 'must be an integer from 1 (非常不满意) to 5 (非常满意)' });
  const indicators = input['indicators'] ?? [];
  if (!Array.isArray(indicators)) {
    errors.push({ pointer: '/indicators', message: 'must be an array of indicator codes' });
  } else {
    indicators.forEach((indicator, index) => {
      if (!isEvaluationIndicator(indicator)) errors.push({ pointer: `/indicators/${index}`, message: `must be one of ${Object.keys(EVALUATION_INDICATORS).join(', ')}` });
      else if (indicators.indexOf(indicator) !== index) errors.push({ pointer: `/indicators/${index}`, message: `repeats "${indicator}"` });
    });
    if (isEvaluationLevel(level) && level <= 2 && indicators.length === 0) errors.push({ pointer: '/indicators', message: 'a 差评 (level 1 or 2) names at least one indicator: what went wrong' });
  }
  const comment = input['comment'] ?? '';
  if (typeof comment !== 'string' || Array.from(comment).length > MAX_EVALUATION_COMMENT_LENGTH) {
    errors.push({ pointer: '/comment', message: `must be text of at most ${MAX_EVALUATION_COMMENT_LENGTH} characters` });
  }
  const channel = input['channel'];
  if (typeof channel !== 'string' || !Object.hasOwn(EVALUATION_CHANNELS, channel)) errors.push({ pointer: '/channel', message: `must be one of ${Object.keys(EVALUATION_CHANNELS).join(', ')}` });
  if (errors.length > 0) throw validationError(errors);
  return {
    scope: scope as EvaluationScope, ...(scope === 'matter' ? { matterCode: matterCode as string } : {}), level: level as EvaluationLevel,
    indicators: indicators as EvaluationIndicator[], comment: (comment as string).trim(), channel: channel as EvaluationChannel,
  };
}
