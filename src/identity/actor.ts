/**
 * Who is acting: the person the identity platform (统一身份认证) authenticated,
 * as read from a verified ID token.
 *
 * Glossary: subject 主体 (natural person 自然人 or legal person 法人), real-name
 * level 实名等级 (L1 registered, L2 real-name verified, L3 face recognition /
 * 电子社保卡 / 电子营业执照), legal representative 法定代表人, 经办人 (a person
 * acting for an enterprise), capacity 身份 in which someone acts for a holder:
 * self, guardian 监护人, agent 代办人 (帮代办), counter 窗口工作人员.
 */

/** Real-name levels, lowest first. */
export const LEVELS = ['L1', 'L2', 'L3'] as const;
export type Level = typeof LEVELS[number];

/** Whether `level` is at least `minimum`. */
export function levelAtLeast(level: Level, minimum: Level): boolean {
  return LEVELS.indexOf(level) >= LEVELS.indexOf(minimum);
}

/** A person authenticated by the identity platform, as a verified ID token states it. */
export interface Actor {
  /** The identity platform's issuer URL. */
  readonly issuer: string;
  /** The platform's stable subject id. */
  readonly sub: string;
  /** `natural`: a person for themselves; `legal`: a person acting for an enterprise. */
  readonly subjectType: 'natural' | 'legal';
  /** 公民身份号码 of the person who logged in. */
  readonly idNumber: string;
  readonly name: string;
  /** For `legal`: the enterprise's 统一社会信用代码, name and the person's role in it. */
  readonly creditCode?: string;
  readonly orgName?: string;
  readonly orgRole?: 'legalRepresentative' | 'agent';
  readonly level: Level;
  /** Authentication methods (`amr`): face, esscard, sms, pwd, ebl. */
  readonly methods: readonly string[];
  /** When the person authenticated (Unix ms). */
  readonly authTime: number;
  /** When the ID token expires (Unix ms). */
  readonly expiresAt: number;
  /** base64url SHA-256 of the ID token: which login this was. */
  readonly tokenDigest: string;
}

/** The capacity in which an actor uses a holder's data. */
export type Capacity = 'self' | 'guardian' | 'agent' | 'counter';

/** What is recorded of an actor with each authorisation, licence use and submission (JSON in `actor` columns). */
export interface ActorRecord {
  readonly subject: string;
  readonly subjectType: Actor['subjectType'];
  readonly idNumber: string;
  readonly name: string;
  readonly creditCode?: string;
  readonly orgRole?: Actor['orgRole'];
  readonly level: Level;
  readonly methods: readonly string[];
  readonly authTime: number;
  readonly capacity: Capacity;
  /** For capacity `agent`: the delegation acted under. */
  readonly delegationId?: string;
  /** For capacity `guardian`: the licence that shows the guardianship. */
  readonly guardianEvidence?: string;
  /** For capacity `counter`: the hall and the counter client. */
  readonly hall?: string;
}

/** The record of an actor acting in a capacity. */
export function actorRecord(actor: Actor, capacity: Capacity, extra: Pick<ActorRecord, 'delegationId' | 'guardianEvidence' | 'hall'> = {}): ActorRecord {
  return {
    subject: actor.sub, subjectType: actor.subjectType, idNumber: actor.idNumber, name: actor.name,
    ...(actor.creditCode !== undefined ? { creditCode: actor.creditCode } : {}),
    ...(actor.orgRole !== undefined ? { orgRole: actor.orgRole } : {}),
    level: actor.level, methods: actor.methods, authTime: actor.authTime, capacity, ...extra,
  };
}
