/**
 * A known set of applications, sub-applications, materials, 补正 requests,
 * evaluations and a small stored catalogue, written straight into the tables
 * (as the ops seed does), around November 2026 (China time), with the figures
 * they must give (docs/ops.md "Statistics"). Decisions are written as the
 * department-event path writes them (an UPDATE of status), so the business
 * counters' triggers see them.
 */
import { newId, type Store } from '../../../src/store/index.js';

/** The period: November 2026, China time. */
export const NOVEMBER = { from: Date.parse('2026-11-01T00:00:00+08:00'), to: Date.parse('2026-12-01T00:00:00+08:00') };
const at = (iso: string) => Date.parse(iso);

export const BIRTH = 'MX-T05';
export const HIRING = 'MX-T04';
export const BIRTH_REGISTRATION = '000744622000'; // gaj, mapped: a copy only → 可网办
export const INSURANCE = '000795887000'; // ybj, mapped: a required original (劳动合同) nothing replaces → not 可网办
export const UNMAPPED = '000000000001'; // gaj, no mapping → not 可导办
export const EMPLOYMENT_REGISTRATION = '000767140000'; // mzrsj, mapped: 申请表 generated → 可网办

function material(name: string, form: 'original' | 'copy') {
  return { code: `${name}-01`, name, form, required: true, licenceType: undefined, deferral: { allowed: false, days: 0 }, commitment: { allowed: false, text: '' } };
}

async function catalogue(store: Store): Promise<void> {
  const themes = [[BIRTH, '婴儿“出生一件事”', [BIRTH_REGISTRATION, INSURANCE, UNMAPPED]], [HIRING, '员工“录用一件事”', [EMPLOYMENT_REGISTRATION]]] as const;
  for (const [code, name, matterCodes] of themes) {
    await store.query('INSERT INTO catalog_themes (code, name, status, document, upstream_updated_at, synced_at) VALUES ($1, $2, $3, $4, 0, 0)',
      [code, name, 'active', JSON.stringify({ code, name, matterCodes })]);
  }
  const matters = [
    [BIRTH_REGISTRATION, '国（境）内出生登记', 'gaj', [material('近期免冠证件照片', 'copy')]],
    [INSURANCE, '城乡居民参保登记', 'ybj', [material('劳动合同', 'original')]],
    [UNMAPPED, '未映射事项', 'gaj', []],
    [EMPLOYMENT_REGISTRATION, '就业登记', 'mzrsj', [material('申请表', 'original')]],
  ] as const;
  for (const [code, name, department, materials] of matters) {
    await store.query('INSERT INTO catalog_matters (code, name, department_code, document, upstream_updated_at, synced_at) VALUES ($1, $2, $3, $4, 0, 0)',
      [code, name, department, JSON.stringify({ code, name, department: { code: department, name: department }, materials })]);
  }
}

async function application(store: Store, theme: string, createdAt: number, form: Record<string, unknown>, provenance: Record<string, unknown>): Promise<string> {
  const id = newId(createdAt);
  await store.query(
    `INSERT INTO applications (id, client_id, idempotency_key, request_digest, response, theme_code, answers, form, provenance, status, created_at, updated_at)
     VALUES ($1, 'platform', $2, 'digest', '{}', $3, '{}', $4, $5, 'received', $6, $6)`,
    [id, `idem-${id}`, theme, JSON.stringify(form), JSON.stringify(provenance), createdAt]);
  return id;
}

interface SubOptions {
  department: string;
  provenance?: Record<string, string>;
  satisfiedBy?: string[];
  /** The status written at intake (then changed by `decide`). */
  status: string;
  acceptedAt?: number;
  dueDate?: string | null;
  dueStatus?: 'computed' | 'uncovered';
  pausedWorkingDays?: number;
}

async function subApplication(store: Store, applicationId: string, createdAt: number, options: SubOptions): Promise<string> {
  const id = newId(createdAt);
  const provenance = Object.fromEntries(Object.entries(options.provenance ?? {}).map(([field, source]) => [field, { source }]));
  const materials = (options.satisfiedBy ?? []).map((satisfiedBy, index) => ({ code: `M${index}`, satisfiedBy }));
  await store.query(
    `INSERT INTO sub_applications (id, application_id, matter_code, matter_name, department_code, position, prerequisites, form, provenance, status,
       statutory_days, promised_days, accepted_at, due_date, due_status, paused_working_days, materials, created_at, updated_at)
     VALUES ($1, $2, '000744622000', '事项', $3, 0, '[]', '{}', $4, $5, 20, 10, $6, $7, $8, $9, $10, $11, $11)`,
    [id, applicationId, options.department, JSON.stringify(provenance), options.status, options.acceptedAt ?? null, options.dueDate ?? null, options.dueStatus ?? null,
      options.pausedWorkingDays ?? 0, JSON.stringify(materials), createdAt]);
  return id;
}

/** A department's decision, as apply-department-event.ts writes it. */
async function decide(store: Store, id: string, status: 'completed' | 'rejected', completedAt: number | null): Promise<void> {
  await store.query('UPDATE sub_applications SET status = $2, completed_at = $3, updated_at = $4 WHERE id = $1', [id, status, completedAt, completedAt ?? 0]);
}

async function materials(store: Store, applicationId: string, createdAt: number, satisfiedBy: string[], version = 1): Promise<void> {
  for (const [index, way] of satisfiedBy.entries()) {
    await store.query('INSERT INTO application_materials (application_id, material_code, version, satisfied_by, created_at) VALUES ($1, $2, $3, $4, $5)',
      [applicationId, `CL00${index + 1}`, version, way, createdAt]);
  }
}

async function supplementRequest(store: Store, subApplicationId: string, department: string, requestedAt: number): Promise<void> {
  await store.query(
    `INSERT INTO supplement_requests (id, sub_application_id, department_code, event_id, materials, fields, reason, deadline, status, requested_at)
     VALUES ($1, $2, $3, $4, '[]', '[]', '照片不清晰', '2026-11-30', 'open', $5)`, [newId(requestedAt), subApplicationId, department, `e-${requestedAt}`, requestedAt]);
}

async function evaluation(store: Store, options: { applicationId: string; theme: string; sub?: { id: string; department: string }; level: number; at: number }): Promise<void> {
  const service = options.sub ? BIRTH_REGISTRATION : options.theme;
  await store.query(
    `INSERT INTO evaluations (id, application_id, sub_application_id, matter_code, theme_code, department_code, scope, service_code, level, indicators, comment, channel, actor, client_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '[]', '', 'online', '{}', 'platform', $10)`,
    [newId(options.at), options.applicationId, options.sub?.id ?? null, options.sub ? `${service}-${options.sub.id.slice(-4)}` : null, options.theme,
      options.sub?.department ?? null, options.sub ? 'matter' : 'theme', options.sub ? `${service}-${options.sub.id}` : service, options.level, options.at]);
}

/** Writes the seed. */
export async function seedStatistics(store: Store): Promise<void> {
  await catalogue(store);
  // A1: birth, 2 November. Form: 4 fields filled, 2 from a licence (0.5).
  const a1At = at('2026-11-02T10:00:00+08:00');
  const a1 = await application(store, BIRTH, a1At, { child: { name: '张小明', birthDate: '2026-10-30' }, mother: { name: '李华', idNumber: 'x' } },
    { 'mother.name': { source: 'licence' }, 'mother.idNumber': { source: 'licence' } });
  await materials(store, a1, a1At, ['licence', 'upload', 'generated', 'commitment']);
  await materials(store, a1, a1At, ['upload'], 2); // a later version: not what was handed in at submission
  // S1 gaj: 3 working days (2 → 5 November), due 16 November: on time. Fields 1 of 3 from a licence; materials 2 of 3 without upload.
  const s1 = await subApplication(store, a1, a1At, {
    department: 'gaj', provenance: { a: 'licence', b: 'user', c: 'user', d: 'matter' }, satisfiedBy: ['licence', 'upload', 'generated'],
    status: 'accepted', acceptedAt: at('2026-11-02T11:00:00+08:00'), dueDate: '2026-11-16', dueStatus: 'computed',
  });
  await decide(store, s1, 'completed', at('2026-11-05T15:00:00+08:00'));
  // S2 mzrsj: 13 working days (3 → 20 November) less 2 paused = 11, due 17 November: overdue.
  const s2 = await subApplication(store, a1, a1At, {
    department: 'mzrsj', provenance: { a: 'licence', b: 'licence' }, satisfiedBy: ['commitment'],
    status: 'accepted', acceptedAt: at('2026-11-03T09:00:00+08:00'), dueDate: '2026-11-17', dueStatus: 'computed', pausedWorkingDays: 2,
  });
  await decide(store, s2, 'completed', at('2026-11-20T10:00:00+08:00'));
  // S3 ybj: 不予受理 on 10 November.
  const s3 = await subApplication(store, a1, a1At, { department: 'ybj', status: 'delivered' });
  await decide(store, s3, 'rejected', at('2026-11-10T16:00:00+08:00'));

  // A2: birth, 9 November. One field, none from a licence (0).
  const a2At = at('2026-11-09T10:00:00+08:00');
  const a2 = await application(store, BIRTH, a2At, { mother: { name: '王芳', phone: '' } }, {});
  await materials(store, a2, a2At, ['upload', 'deferred']);
  // S4 gaj: in 补正 (two requests in November: one sub-application).
  const s4 = await subApplication(store, a2, a2At, { department: 'gaj', provenance: { a: 'user' }, satisfiedBy: ['upload', 'deferred'], status: 'awaiting_supplement', acceptedAt: a2At });
  await supplementRequest(store, s4, 'gaj', at('2026-11-12T09:00:00+08:00'));
  await supplementRequest(store, s4, 'gaj', at('2026-11-19T09:00:00+08:00'));
  // S5 gaj: completed after 1 working day; the calendar could not compute its deadline.
  const s5 = await subApplication(store, a2, a2At, { department: 'gaj', status: 'accepted', acceptedAt: at('2026-11-10T09:00:00+08:00'), dueStatus: 'uncovered' });
  await decide(store, s5, 'completed', at('2026-11-11T17:00:00+08:00'));
  // S8 ybj: cancelled because a prerequisite was rejected (no decision of its department: no completed_at).
  const s8 = await subApplication(store, a2, a2At, { department: 'ybj', status: 'waiting' });
  await decide(store, s8, 'rejected', null);

  // A3: hiring, 30 November 23:30 China time (still November). S6 mzrsj queued; its material a prerequisite's result.
  const a3At = at('2026-11-30T23:30:00+08:00');
  const a3 = await application(store, HIRING, a3At, { employer: { name: '梅州某公司' } }, {});
  await materials(store, a3, a3At, ['prerequisite']);
  await subApplication(store, a3, a3At, { department: 'mzrsj', provenance: { x: 'user' }, satisfiedBy: ['prerequisite'], status: 'queued' });

  // A0: birth, received 31 October (not in the period); S0 gaj completed 4 November, on its due date: on time, 2 working days.
  const a0At = at('2026-10-31T23:00:00+08:00');
  const a0 = await application(store, BIRTH, a0At, { mother: { name: '赵敏' } }, {});
  const s0 = await subApplication(store, a0, a0At, { department: 'gaj', status: 'accepted', acceptedAt: at('2026-11-02T09:00:00+08:00'), dueDate: '2026-11-04', dueStatus: 'computed' });
  await decide(store, s0, 'completed', at('2026-11-04T10:00:00+08:00'));

  // A4: birth, 1 December 00:00 China time (the period's end is exclusive): nothing of it counts.
  const a4At = at('2026-12-01T00:00:00+08:00');
  const a4 = await application(store, BIRTH, a4At, { mother: { name: '钱七' } }, { 'mother.name': { source: 'licence' } });
  const s7 = await subApplication(store, a4, a4At, { department: 'gaj', status: 'accepted', acceptedAt: a4At, dueDate: '2026-12-15', dueStatus: 'computed' });
  await decide(store, s7, 'completed', at('2026-12-01T01:00:00+08:00'));

  // Evaluations: the whole 一件事 of A1 非常满意 (5), S1 不满意 (2), S2 满意 (4); one in December (not counted).
  await evaluation(store, { applicationId: a1, theme: BIRTH, level: 5, at: at('2026-11-21T10:00:00+08:00') });
  await evaluation(store, { applicationId: a1, theme: BIRTH, sub: { id: s1, department: 'gaj' }, level: 2, at: at('2026-11-22T10:00:00+08:00') });
  await evaluation(store, { applicationId: a1, theme: BIRTH, sub: { id: s2, department: 'mzrsj' }, level: 4, at: at('2026-11-23T10:00:00+08:00') });
  await evaluation(store, { applicationId: a4, theme: BIRTH, level: 1, at: at('2026-12-02T10:00:00+08:00') });
}
