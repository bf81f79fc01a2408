/**
 * The simulated 好差评 system's endpoints (wire format in ../evaluation-api.ts):
 * push, read one, list by 办件编号, record a rectification step. Evaluations
 * live in memory; one per (projectNo, serviceCode, scope) — 一事一评.
 */
import { Router, type Request, type Response } from 'express';
import {
  EVALUATIONS_PATH, WIRE_RECTIFICATION_STEPS, type WireEvaluation, type WirePushRequest, type WireRectificationRequest,
} from '../evaluation-api.js';
import { toChinaTime as chinaTime } from '../map-evaluation.js';
import { LEVEL_NAMES, checkPush, checkRectification, type Refusal } from './check-request.js';
import { reply, replyFieldInvalid } from './envelope.js';
import type { ServiceRegistry } from './service-registry.js';

export interface RouteContext {
  readonly registry: ServiceRegistry;
  /** Clock (epoch ms). */
  readonly now: () => number;
  /** Allowed lead of a stated time over the clock (ms). */
  readonly skewMs: number;
  /** Evaluations by id, in the order received. */
  readonly evaluations: Map<string, WireEvaluation>;
}


function jsonBody(req: Request): unknown {
  try {
    return JSON.parse((Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)).toString('utf8'));
  } catch {
    return undefined;
  }
}

function refuse(res: Response, refusal: Refusal): void {
  if (refusal.kind === 'level') return reply(res, 'LEVEL_OUT_OF_RANGE', undefined, `${refusal.level} 不在 1-5 之间`);
  replyFieldInvalid(res, refusal.field, refusal.reason);
}

export function evaluationRoutes(context: RouteContext): Router {
  const router = Router();
  const { registry, evaluations } = context;
  let serial = 0;

  router.post(EVALUATIONS_PATH, (req, res) => {
    const body = jsonBody(req);
    const refusal = checkPush(body, context.now(), context.skewMs);
    if (refusal) return refuse(res, refusal);
    const push = body as WirePushRequest;
    const service = registry.services.get(`${push.scope}:${push.serviceCode}`);
    if (service === undefined) return reply(res, 'UNKNOWN_SERVICE', undefined, `${push.scope === 'THEME' ? '主题' : '事项'} ${push.serviceCode}`);
    if (!registry.departments.has(push.deptCode)) return replyFieldInvalid(res, 'deptCode', `未知部门 ${push.deptCode}`);
    if (service.deptCode !== undefined && service.deptCode !== push.deptCode) return replyFieldInvalid(res, 'deptCode', `与事项实施部门(${service.deptCode})不一致`);
    const first = [...evaluations.values()].find((existing) => existing.projectNo === push.projectNo && existing.serviceCode === push.serviceCode && existing.scope === push.scope);
    if (first) return reply(res, 'DUPLICATE', { evaluationId: first.evaluationId, receivedAt: first.receivedAt });
    const now = context.now();
    serial += 1;
    const evaluationId = `HCP${chinaTime(now).slice(0, 10).replaceAll('-', '')}${String(serial).padStart(6, '0')}`;
    const record: WireEvaluation = {
      evaluationId, receivedAt: chinaTime(now),
      projectNo: push.projectNo, serviceCode: push.serviceCode, serviceName: service.name, scope: push.scope, deptCode: push.deptCode,
      applicant: { name: push.applicant.name, idNumber: push.applicant.idNumber, type: push.applicant.type },
      channel: push.channel, level: push.level, levelName: LEVEL_NAMES[push.level]!, indicators: [...push.indicators], comment: push.comment,
      evaluatedAt: push.evaluatedAt, rectifications: [],
    };
    evaluations.set(evaluationId, record);
    reply(res, 'OK', { evaluationId, receivedAt: record.receivedAt });
  });

  router.get(EVALUATIONS_PATH, (req, res) => {
    const projectNo = req.query['projectNo'];
    if (typeof projectNo !== 'string' || projectNo === '') return replyFieldInvalid(res, 'projectNo', '缺失');
    const records = [...evaluations.values()].filter((record) => record.projectNo === projectNo);
    reply(res, 'OK', { projectNo, total: records.length, records });
  });

  router.get(`${EVALUATIONS_PATH}/:evaluationId`, (req: Request<{ evaluationId: string }>, res) => {
    const record = evaluations.get(req.params.evaluationId);
    if (record === undefined) return reply(res, 'NOT_FOUND', undefined, req.params.evaluationId);
    reply(res, 'OK', record);
  });

  router.post(`${EVALUATIONS_PATH}/:evaluationId/rectifications`, (req: Request<{ evaluationId: string }>, res) => {
    const record = evaluations.get(req.params.evaluationId);
    if (record === undefined) return reply(res, 'NOT_FOUND', undefined, req.params.evaluationId);
    if (record.level > 2) return reply(res, 'NOT_POOR', undefined, `评价等级 ${record.level}(${LEVEL_NAMES[record.level]})`);
    const body = jsonBody(req);
    const refusal = checkRectification(body, context.now(), context.skewMs);
    if (refusal) return refuse(res, refusal);
    const step = body as WireRectificationRequest;
    if (record.rectifications.some((existing) => existing.status === step.status)) return reply(res, 'DUPLICATE', record, `${step.status} 已记录`);
    const expected = WIRE_RECTIFICATION_STEPS[record.rectifications.length];
    const current = record.rectifications.at(-1)?.status ?? 'NONE';
    if (step.status !== expected) return reply(res, 'INVALID_TRANSITION', undefined, `当前状态 ${current}，不能流转为 ${step.status}`);
    const previous = record.rectifications.at(-1)?.at ?? record.evaluatedAt;
    if (Date.parse(step.at) < Date.parse(previous)) return replyFieldInvalid(res, 'at', `不能早于上一环节时间 ${previous}`);
    record.rectifications.push({ status: step.status, handler: step.handler, note: step.note, at: step.at, recordedAt: chinaTime(context.now()) });
    reply(res, 'OK', record);
  });

  return router;
}
