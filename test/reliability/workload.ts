/**
 * What the reliability tests do to a gateway: submit many applications with
 * bounded concurrency through signing platform clients, each with the ID
 * token of its applicant (one person, the wife of every couple, logged in
 * once per client at the shared identity platform simulator), and the
 * department systems that receive them (REST simulators, one per department).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type Database from 'better-sqlite3';
import { startMatterSystemSimulator, type MatterSystemSimulator } from '../../adapters/matter-system/simulator/start-matter-system-simulator.js';
import { GATEWAY_ORIGIN, killAll, reachGateway, running } from './gateway-process.js';
import { startRestDepartmentSimulator, type RestDepartmentSimulator } from '../../adapters/department-rest/simulator/rest-department-simulator.js';
import { makeIdNumber } from '../../src/domain/identifiers/index.js';
import { CERT_FILES } from '../../src/trust/dev-material.js';
import { Keyring } from '../../src/trust/keyring.js';
import type { SigningClient } from '../../src/trust/signing-client.js';
import { devCertsDir, devKey } from '../helpers/dev-keys.js';
import { TestSessions } from '../helpers/identity.js';
import { satisfyMaterials } from '../helpers/materials.js';

/**
 * 结婚生育一件事 (MX-T33) for a married couple: 生育登记 to 卫生健康局 (wjj)
 * and 市外迁入-投靠配偶 to 公安局 (gaj), both REST departments and both
 * delivered at once (their prerequisite 结婚登记 does not apply).
 */
export const THEME = 'MX-T33';
export const DEPARTMENTS = ['wjj', 'gaj'] as const;
const ANSWERS = { alreadyMarried: true, registerBirth: true, joinSpouseHousehold: true };

/** A submission's `materials`: each file the scenario needs an upload for, uploaded once and named by every submission. */
export type Materials = Record<string, Record<string, unknown>>;

/**
 * Uploads the scenario's files once through `client` (a platform may name one
 * upload from many applications): the same `materials` for every index and every
 * retry, on any gateway sharing the database.
 */
export function uploadMaterials(client: SigningClient): Promise<Materials> {
  return satisfyMaterials(client, THEME, ANSWERS);
}

/** The applicant of every submission (the wife of each couple): one login per client stands for them all. */
const APPLICANT = { name: '丘秀梅', idNumber: makeIdNumber({ areaCode: '441403', birthDate: '1993-05-13', sequence: 998 }) };

export function submission(index: number, materials: Materials): Record<string, unknown> {
  const id = (birthDate: string, sequence: number) => makeIdNumber({ areaCode: '441403', birthDate, sequence });
  const wife = APPLICANT;
  const husband = { name: `潘建${String.fromCharCode(0x4e00 + (index % 400))}`, idNumber: id(`198${index % 10}-12-0${1 + (index % 9)}`, ((index * 2) % 998) + 1) };
  return {
    themeCode: THEME,
    answers: ANSWERS,
    form: {
      applicant: { ...wife, phone: `1597321${String(1000 + index).slice(-4)}`, address: '广东省深圳市福田区福华路62号' },
      spouse: { ...husband, address: '广东省梅州市梅县区畲江镇27号' },
      husband, wife,
      marriage: { certificateNumber: `J441403-2025-${100000 + index}`, childCount: index % 3 },
    },
    materials,
  };
}

/** The idempotency key of submission `index` (the same on every retry). */
export const keyOf = (index: number) => `reliability-${index}`;

/** What became of one submission. */
export type Outcome =
  | { status: 202; applicationId: string; replayed: boolean }
  | { status: number; error: string };

/**
 * Submits `indexes` with at most `concurrency` in flight, spread round-robin
 * over `clients`, each with the ID token of the applicant (logged in once per
 * call and client; a login that fails is a failed submission, and the next
 * one tries again). Stops taking new ones once `stop()` is true (answers to
 * those already sent are still recorded, failures included).
 */
export async function submitAll(options: {
  clients: readonly SigningClient[]; indexes: readonly number[]; concurrency: number; materials: Materials;
  stop?: () => boolean; onAnswer?: (index: number, outcome: Outcome) => void;
}): Promise<Map<number, Outcome>> {
  const outcomes = new Map<number, Outcome>();
  const sessions = new TestSessions(GATEWAY_ORIGIN);
  const queue = [...options.indexes];
  const worker = async () => {
    for (let index = queue.shift(); index !== undefined && !options.stop?.(); index = queue.shift()) {
      const client = options.clients[index % options.clients.length]!;
      let outcome: Outcome;
      try {
        const body = submission(index, options.materials);
        const idToken = await sessions.forForm(client, body['form']);
        const answer = await client.request('POST', '/v1/applications', { body, headers: { 'idempotency-key': keyOf(index) }, idToken });
        outcome = answer.status === 202
          ? { status: 202, applicationId: (answer.body as { applicationId: string }).applicationId, replayed: answer.headers['idempotent-replayed'] === 'true' }
          : { status: answer.status, error: answer.raw.toString('utf8').slice(0, 500) };
      } catch (error) {
        outcome = { status: 0, error: (error as Error).message };
      }
      outcomes.set(index, outcome);
      options.onAnswer?.(index, outcome);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return outcomes;
}

/**
 * Starts a REST simulator per department, verifying Tongban's development keys;
 * each downloads a delivery's files from whichever gateway process runs (its
 * events are kept pending: nothing flushes them).
 */
export async function startDepartments(codes: readonly string[]): Promise<Map<string, RestDepartmentSimulator>> {
  const tongbanPublicKeys = Keyring.open(join(await devCertsDir(), CERT_FILES.keyring)).publicKeys();
  const simulators = new Map<string, RestDepartmentSimulator>();
  for (const code of codes) {
    const departmentKey = await devKey(`dept-${code}`);
    simulators.set(code, await startRestDepartmentSimulator({
      departmentCode: code, departmentKey, tongbanPublicKeys,
      eventsTarget: { url: GATEWAY_ORIGIN, clientId: `dept-${code}`, key: departmentKey, tongbanKeys: tongbanPublicKeys, fetch: reachGateway },
    }));
  }
  return simulators;
}

/** `TONGBAN_DEPARTMENT_ENDPOINTS` pointing each department at its simulator. */
export function endpointsOf(simulators: ReadonlyMap<string, RestDepartmentSimulator>): string {
  return JSON.stringify(Object.fromEntries([...simulators].map(([code, simulator]) => [code, simulator.url])));
}

/** What the SQLite reliability tests share: a temp folder, the matter-system simulator, the department simulators, a read-only DB handle. */
export interface SqliteReliabilityWorld {
  dir: string;
  matters: MatterSystemSimulator;
  departments: Map<string, RestDepartmentSimulator>;
  db: Database.Database | undefined;
}

/** Registers the mocha hooks that start and stop the world (no gateway process is left running) and returns it. */
export function sqliteReliabilityWorld(): SqliteReliabilityWorld {
  const world = { db: undefined } as SqliteReliabilityWorld;
  before(async () => {
    world.dir = mkdtempSync(join(tmpdir(), 'tongban-reliability-'));
    world.matters = await startMatterSystemSimulator();
    world.departments = await startDepartments(DEPARTMENTS);
  });
  after(async () => {
    world.db?.close();
    await killAll();
    expect(running(), 'gateway processes left running').to.deep.equal([]);
    for (const simulator of world.departments?.values() ?? []) await simulator.close();
    await world.matters?.close();
    rmSync(world.dir, { recursive: true, force: true });
  });
  return world;
}
