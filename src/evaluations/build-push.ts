/** What the provincial 好差评 system receives for one evaluation, read from the store. */
import type { Evaluation, EvaluationChannel, EvaluationIndicator, EvaluationLevel, EvaluationScope } from '../domain/evaluation.js';
import type { ActorRecord } from '../identity/actor.js';
import type { Queryable } from '../store/index.js';

interface Row {
  application_id: string; scope: string; service_code: string; department_code: string | null; level: number; indicators: string; comment: string;
  channel: string; actor: string; created_at: number; lead_department: string | null; province_id: string | null;
}

/**
 * The evaluation as pushed (the adapter masks the applicant). The 办件编号 is
 * the application id; the whole 一件事 is reported under the department of
 * its first matter (the lead department: the catalogue names none).
 * The rater is the applicant: a person by ID number, or the enterprise a legal representative acts for.
 */
export async function evaluationToPush(db: Queryable, evaluationId: string): Promise<{ evaluation: Evaluation; provinceId: string | null } | undefined> {
  const { rows } = await db.query<Row>(
    `SELECT e.application_id, e.scope, e.service_code, e.department_code, e.level, e.indicators, e.comment, e.channel, e.actor, e.created_at, e.province_id,
            (SELECT s.department_code FROM sub_applications s WHERE s.application_id = e.application_id ORDER BY s.position LIMIT 1) AS lead_department
       FROM evaluations e WHERE e.id = $1`, [evaluationId]);
  const row = rows[0];
  if (!row) return undefined;
  const actor = JSON.parse(row.actor) as ActorRecord;
  const enterprise = actor.subjectType === 'legal' && actor.orgRole === 'legalRepresentative' && actor.creditCode !== undefined;
  return {
    provinceId: row.province_id,
    evaluation: {
      applicationNumber: row.application_id,
      scope: row.scope as EvaluationScope,
      serviceCode: row.service_code,
      departmentCode: row.department_code ?? row.lead_department ?? '',
      applicant: enterprise ? { name: actor.name, idNumber: actor.creditCode!, type: 'enterprise' } : { name: actor.name, idNumber: actor.idNumber, type: 'personal' },
      channel: row.channel as EvaluationChannel,
      level: Number(row.level) as EvaluationLevel,
      indicators: JSON.parse(row.indicators) as EvaluationIndicator[],
      comment: row.comment,
      evaluatedAt: new Date(Number(row.created_at)).toISOString(),
    },
  };
}
