/**
 * Business statistics over real HTTP on SQLite and PostgreSQL: every figure of
 * a known seed (seed.ts) per theme and per department with totals, the
 * monthly report as CSV (parsed back) and XLSX (read back with exceljs, its
 * totals equal to counts taken from the database), the dashboard page and its
 * downloads, the business counters in /metrics, and bad input (400 naming the
 * parameter).
 */
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import type { Gateway } from '../../../src/gateway.js';
import { compactCounters } from '../../../src/ops/counters.js';
import { hashPassword } from '../../../src/ops/dashboard/password.js';
import type { StatisticsRow } from '../../../src/statistics/index.js';
import { monthOf, chinaIso } from '../../../src/statistics/index.js';
import { REPORT_COLUMNS } from '../../../src/statistics/report-columns.js';
import { newId } from '../../../src/store/index.js';
import { createSigningClient, jwks, type SigningClient } from '../../../src/trust/signing-client.js';
import { devKey } from '../../helpers/dev-keys.js';
import { startTestGateway } from '../../helpers/gateway.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait.js';
import { DashboardClient } from '../ops/dashboard-client.js';
import { BIRTH, HIRING, NOVEMBER, seedStatistics } from './seed.js';

const PASSWORD = 'correct horse battery';
const PERIOD = '?from=2026-11-01&to=2026-12-01';

/** A row with nothing in it, then `figures` over it. */
function row(code: string, name: string | null, figures: Partial<StatisticsRow> = {}): StatisticsRow {
  return {
    code, name, applications: 0, subApplications: 0, completed: 0, rejected: 0, supplementRequested: 0, onTime: 0, overdue: 0, deadlineUnknown: 0,
    onTimeRate: null, meanWorkingDays: null, materials: { total: 0, withoutUpload: 0, share: null }, autoFillRatio: null,
    satisfaction: { count: 0, levels: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 }, mean: null, satisfiedShare: null },
    catalogue: { matters: 0, guided: 0, online: 0, guideRate: null, onlineRate: null },
    ...figures,
  };
}
const levels = (counts: Partial<Record<1 | 2 | 3 | 4 | 5, number>>) => ({ 1: 0, 2: 0, 3: 0, 4: 0, 5: 0, ...counts });

const BY_THEME = {
  rows: [
    row(HIRING, '员工“录用一件事”', {
      applications: 1, subApplications: 1, materials: { total: 1, withoutUpload: 1, share: 1 }, autoFillRatio: 0,
      catalogue: { matters: 1, guided: 1, online: 1, guideRate: 1, onlineRate: 1 },
    }),
    row(BIRTH, '婴儿“出生一件事”', {
      applications: 2, subApplications: 6, completed: 4, rejected: 1, supplementRequested: 1, onTime: 2, overdue: 1, deadlineUnknown: 1, onTimeRate: 0.6667,
      meanWorkingDays: 4.25, materials: { total: 6, withoutUpload: 3, share: 0.5 }, autoFillRatio: 0.25,
      satisfaction: { count: 3, levels: levels({ 2: 1, 4: 1, 5: 1 }), mean: 3.67, satisfiedShare: 0.6667 },
      catalogue: { matters: 3, guided: 2, online: 1, guideRate: 0.6667, onlineRate: 0.3333 },
    }),
  ],
  totals: row('*', '合计', {
    applications: 3, subApplications: 7, completed: 4, rejected: 1, supplementRequested: 1, onTime: 2, overdue: 1, deadlineUnknown: 1, onTimeRate: 0.6667,
    meanWorkingDays: 4.25, materials: { total: 7, withoutUpload: 4, share: 0.5714 }, autoFillRatio: 0.1667,
    satisfaction: { count: 3, levels: levels({ 2: 1, 4: 1, 5: 1 }), mean: 3.67, satisfiedShare: 0.6667 },
    catalogue: { matters: 4, guided: 3, online: 2, guideRate: 0.75, onlineRate: 0.5 },
  }),
};

const DEPARTMENT_ROWS: Record<string, Partial<StatisticsRow>> = {
  gaj: {
    applications: 2, subApplications: 3, completed: 3, supplementRequested: 1, onTime: 2, deadlineUnknown: 1, onTimeRate: 1, meanWorkingDays: 2,
    materials: { total: 5, withoutUpload: 2, share: 0.4 }, autoFillRatio: 0.1667,
    satisfaction: { count: 1, levels: levels({ 2: 1 }), mean: 2, satisfiedShare: 0 },
    catalogue: { matters: 2, guided: 1, online: 1, guideRate: 0.5, onlineRate: 0.5 },
  },
  mzrsj: {
    applications: 2, subApplications: 2, completed: 1, overdue: 1, onTimeRate: 0, meanWorkingDays: 11,
    materials: { total: 2, withoutUpload: 2, share: 1 }, autoFillRatio: 0.5,
    satisfaction: { count: 1, levels: levels({ 4: 1 }), mean: 4, satisfiedShare: 1 },
    catalogue: { matters: 1, guided: 1, online: 1, guideRate: 1, onlineRate: 1 },
  },
  ybj: {
    applications: 2, subApplications: 2, rejected: 1,
    catalogue: { matters: 1, guided: 1, online: 0, guideRate: 1, onlineRate: 0 },
  },
};
const DEPARTMENT_TOTALS = row('*', '合计', {
  applications: 3, subApplications: 7, completed: 4, rejected: 1, supplementRequested: 1, onTime: 2, overdue: 1, deadlineUnknown: 1, onTimeRate: 0.6667,
  meanWorkingDays: 4.25, materials: { total: 7, withoutUpload: 4, share: 0.5714 }, autoFillRatio: 0.3333,
  satisfaction: { count: 2, levels: levels({ 2: 1, 4: 1 }), mean: 3, satisfiedShare: 0.5 },
  catalogue: { matters: 4, guided: 3, online: 2, guideRate: 0.75, onlineRate: 0.5 },
});

/** RFC 4180 fields of a CSV text (quotes, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') { field += '"'; index += 1; } else if (char === '"') quoted = false; else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') { fields.push(field); field = ''; } else if (char === '\r' && text[index + 1] === '\n') { fields.push(field); rows.push(fields); fields = []; field = ''; index += 1; } else field += char;
  }
  return rows;
}

for (const fixture of storeFixtures()) describe(`business statistics (${fixture.name})`, function () {
  this.timeout(30_000);
  let gateway: Gateway;
  let ops: SigningClient;
  let departmentCodes: string[];

  before(async function () {
    this.timeout(60_000);
    await (await fixture.open()).close();
    ({ gateway } = await startTestGateway({
      ...fixture.gatewayEnv(), TONGBAN_DISPATCHER: 'false', TONGBAN_LOG_LEVEL: 'warn', TONGBAN_OPS_USERS: JSON.stringify({ ops: await hashPassword(PASSWORD) }),
    }));
    await seedStatistics(gateway.store);
    ops = createSigningClient({ baseUrl: gateway.url, clientId: 'ops', key: await devKey('ops'), tongbanKeys: () => jwks(gateway.url) });
    departmentCodes = gateway.departments.map((department) => department.code);
  });
  after(async function () {
    await gateway?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  const departmentName = (code: string) => gateway.departments.find((department) => department.code === code)!.name;
  const expectedDepartmentRows = () => [...departmentCodes].sort().map((code) => row(code, departmentName(code), DEPARTMENT_ROWS[code]));

  it('gives every figure per theme, with the totals, for November', async () => {
    const answer = await ops.request('GET', `/v1/ops/statistics${PERIOD}`);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    expect(answer.verified).to.equal(true);
    const body = answer.body as { from: string; to: string; groupBy: string; rows: StatisticsRow[]; totals: StatisticsRow };
    expect(body).to.include({ from: '2026-11-01T00:00:00+08:00', to: '2026-12-01T00:00:00+08:00', groupBy: 'theme' });
    expect(body.rows).to.deep.equal(BY_THEME.rows);
    expect(body.totals).to.deep.equal(BY_THEME.totals);
  });

  it('gives every figure per department (every department of the registry), with the totals', async () => {
    const answer = await ops.request('GET', `/v1/ops/statistics${PERIOD}&groupBy=department`);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    const body = answer.body as { groupBy: string; rows: StatisticsRow[]; totals: StatisticsRow };
    expect(body.groupBy).to.equal('department');
    expect(body.rows).to.deep.equal(expectedDepartmentRows());
    expect(body.totals).to.deep.equal(DEPARTMENT_TOTALS);
  });

  it('takes date-times with a zone: half of November (UTC) holds only what happened in it', async () => {
    const answer = await ops.request('GET', '/v1/ops/statistics?from=2026-11-01T00:00:00Z&to=2026-11-08T00:00:00Z');
    expect(answer.status).to.equal(200);
    const totals = (answer.body as { totals: StatisticsRow }).totals;
    // A1 (2 Nov) and its three sub-applications; S1 and S0 completed (5 and 4 Nov), both on time, 3 and 2 working days.
    expect(totals).to.include({ applications: 1, subApplications: 3, completed: 2, rejected: 0, onTime: 2, overdue: 0, meanWorkingDays: 2.5 });
  });

  it('defaults to the current month in China time', async () => {
    const answer = await ops.request('GET', '/v1/ops/statistics');
    expect(answer.status).to.equal(200);
    const month = monthOf(Date.now());
    expect(answer.body).to.include({ from: chinaIso(month.from), to: chinaIso(month.to) });
  });

  it('answers bad input 400 naming the parameter', async () => {
    const cases: [string, string][] = [
      ['/v1/ops/statistics?from=2026-13-01', '/from'],
      ['/v1/ops/statistics?from=2026-02-30', '/from'],
      ['/v1/ops/statistics?to=yesterday', '/to'],
      ['/v1/ops/statistics?from=2026-11-01T00:00:00', '/from'],
      ['/v1/ops/statistics?from=2026-11-02&to=2026-11-01', '/to'],
      ['/v1/ops/statistics?from=2026-11-01&to=2026-11-01', '/to'],
      ['/v1/ops/statistics?from=2025-01-01&to=2026-01-03', '/to'],
      ['/v1/ops/statistics?groupBy=matter', '/groupBy'],
      ['/v1/ops/statistics?from=a&from=b', '/from'],
      ['/v1/ops/statistics/report.csv?month=2026-13', '/month'],
      ['/v1/ops/statistics/report.xlsx?month=November', '/month'],
    ];
    for (const [path, pointer] of cases) {
      const answer = await ops.request('GET', path);
      expect(answer.status, path).to.equal(400);
      expect(answer.body, path).to.include({ code: 'VALIDATION_FAILED' });
      expect((answer.body as { errors: { pointer: string }[] }).errors.map((error) => error.pointer), path).to.deep.equal([pointer]);
    }
  });

  it('is for ops only', async () => {
    const platform = createSigningClient({ baseUrl: gateway.url, clientId: 'platform', key: await devKey('platform'), tongbanKeys: () => jwks(gateway.url) });
    const answer = await platform.request('GET', '/v1/ops/statistics');
    expect(answer.status).to.equal(403);
  });

  it('exports the monthly report as CSV (UTF-8 with BOM), parsed back to the same figures', async () => {
    const answer = await ops.request('GET', '/v1/ops/statistics/report.csv?month=2026-11');
    expect(answer.status).to.equal(200);
    expect(answer.verified).to.equal(true);
    expect(answer.headers['content-type']).to.match(/^text\/csv; charset=utf-8/);
    expect(answer.headers['content-disposition']).to.contain('tongban-statistics-2026-11.csv');
    const bytes = answer.raw;
    expect([...bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const [header, ...lines] = parseCsv(bytes.subarray(3).toString('utf8'));
    expect(header).to.deep.equal(['分组 Grouping', ...REPORT_COLUMNS.map((column) => column.header)]);
    const themeLines = lines.filter((line) => line[0] === '按主题 By theme');
    const departmentLines = lines.filter((line) => line[0] === '按部门 By department');
    expect(themeLines.map((line) => line[1])).to.deep.equal([HIRING, BIRTH, '*']);
    expect(departmentLines).to.have.length(departmentCodes.length + 1);
    const asCsv = (value: string | number | null) => (value === null ? '' : String(value));
    expect(themeLines[1]!.slice(1)).to.deep.equal(REPORT_COLUMNS.map((column) => asCsv(column.value(BY_THEME.rows[1]!))));
    expect(themeLines[2]!.slice(1)).to.deep.equal(REPORT_COLUMNS.map((column) => asCsv(column.value(BY_THEME.totals))));
    expect(departmentLines.at(-1)!.slice(1)).to.deep.equal(REPORT_COLUMNS.map((column) => asCsv(column.value(DEPARTMENT_TOTALS))));
  });

  it('exports the monthly report as XLSX, read back with exceljs: a sheet per grouping, totals equal to the database', async () => {
    const answer = await ops.request('GET', '/v1/ops/statistics/report.xlsx?month=2026-11');
    expect(answer.status).to.equal(200);
    expect(answer.headers['content-type']).to.equal('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(answer.raw as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).to.deep.equal(['说明 Summary', '按主题 By theme', '按部门 By department']);
    expect(workbook.getWorksheet('说明 Summary')!.getCell('B2').value).to.equal('2026-11');

    const count = async (sql: string) => Number((await gateway.store.query<{ n: number | string }>(sql, [NOVEMBER.from, NOVEMBER.to])).rows[0]!.n);
    const database = {
      applications: await count('SELECT COUNT(*) AS n FROM applications WHERE created_at >= $1 AND created_at < $2'),
      subApplications: await count('SELECT COUNT(*) AS n FROM sub_applications WHERE created_at >= $1 AND created_at < $2'),
      completed: await count("SELECT COUNT(*) AS n FROM sub_applications WHERE status = 'completed' AND completed_at >= $1 AND completed_at < $2"),
      rejected: await count("SELECT COUNT(*) AS n FROM sub_applications WHERE status = 'rejected' AND completed_at >= $1 AND completed_at < $2"),
      supplementRequested: await count('SELECT COUNT(DISTINCT sub_application_id) AS n FROM supplement_requests WHERE requested_at >= $1 AND requested_at < $2'),
      evaluations: await count('SELECT COUNT(*) AS n FROM evaluations WHERE created_at >= $1 AND created_at < $2'),
      materials: await count('SELECT COUNT(*) AS n FROM application_materials m JOIN applications a ON a.id = m.application_id WHERE m.version = 1 AND a.created_at >= $1 AND a.created_at < $2'),
    };
    expect(database).to.deep.equal({ applications: 3, subApplications: 7, completed: 4, rejected: 1, supplementRequested: 1, evaluations: 3, materials: 7 });

    const sheet = workbook.getWorksheet('按主题 By theme')!;
    const headers = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(headers).to.deep.equal(REPORT_COLUMNS.map((column) => column.header));
    const cellOf = (values: unknown[], header: string) => values[REPORT_COLUMNS.findIndex((column) => column.header === header) + 1];
    const last = sheet.getRow(sheet.rowCount);
    const totals = last.values as unknown[];
    expect(cellOf(totals, '代码 Code')).to.equal('*');
    expect(last.font?.bold).to.equal(true);
    expect(cellOf(totals, '申请数 Applications')).to.equal(database.applications);
    expect(cellOf(totals, '子件数 Sub-applications')).to.equal(database.subApplications);
    expect(cellOf(totals, '办结 Completed')).to.equal(database.completed);
    expect(cellOf(totals, '不予受理/不予许可 Rejected')).to.equal(database.rejected);
    expect(cellOf(totals, '补正 Supplement requested')).to.equal(database.supplementRequested);
    expect(cellOf(totals, '评价数 Evaluations')).to.equal(database.evaluations);
    expect(cellOf(totals, '材料数 Materials')).to.equal(database.materials);
    // The totals row is the sum of the rows above it, for every count.
    const body = Array.from({ length: sheet.rowCount - 2 }, (_, index) => sheet.getRow(index + 2).values as unknown[]);
    for (const [index, column] of REPORT_COLUMNS.entries()) {
      if (column.kind !== 'count' || column.header === '事项数 Matters' || column.header.startsWith('可')) continue;
      expect(body.reduce((sum, values) => sum + Number(values[index + 1] ?? 0), 0), column.header).to.equal(totals[index + 1]);
    }
    expect(sheet.getCell(sheet.rowCount, REPORT_COLUMNS.findIndex((column) => column.header === '按时办结率 On-time rate') + 1).numFmt).to.equal('0.00%');

    const departments = workbook.getWorksheet('按部门 By department')!;
    expect(departments.rowCount).to.equal(1 + departmentCodes.length + 1);
    const departmentTotals = departments.getRow(departments.rowCount).values as unknown[];
    expect(cellOf(departmentTotals, '办结 Completed')).to.equal(database.completed);
    expect(cellOf(departmentTotals, '申请数 Applications')).to.equal(3);
    expect(cellOf(departmentTotals, '评价数 Evaluations')).to.equal(2);
  });

  it('counts applications, decisions and evaluations in /metrics, from the database', async () => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    const value = (name: string, labels: string) => {
      const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{${labels}}`));
      return line === undefined ? undefined : Number(line.split(' ').at(-1));
    };
    expect(value('tongban_applications_received_total', `theme="${BIRTH}"`)).to.equal(4);
    expect(value('tongban_applications_received_total', `theme="${HIRING}"`)).to.equal(1);
    expect(value('tongban_sub_applications_completed_total', 'department="gaj"')).to.equal(4);
    expect(value('tongban_sub_applications_completed_total', 'department="mzrsj"')).to.equal(1);
    // S3's 不予受理 counts; S8, cancelled with its rejected prerequisite, is no decision of its department.
    expect(value('tongban_sub_applications_rejected_total', 'department="ybj"')).to.equal(1);
    for (const [level, n] of [[1, 1], [2, 1], [4, 1], [5, 1]]) expect(value('tongban_evaluations_total', `level="${level}"`)).to.equal(n);
    expect(value('tongban_evaluations_total', 'level="3"')).to.equal(undefined);
  });

  it('keeps the business counters exact when the shards of ended sessions are folded (compaction)', async () => {
    const received = async () => Number((await gateway.store.query<{ n: number | string }>(
      "SELECT SUM(n) AS n FROM business_counts WHERE metric = 'applications_received' AND label = $1", [HIRING])).rows[0]!.n);
    const before = await received();
    const other = fixture.openAnother();
    const at = Date.parse('2027-01-15T10:00:00+08:00');
    await other.query(`INSERT INTO applications (id, client_id, idempotency_key, request_digest, response, theme_code, answers, form, provenance, status, created_at, updated_at)
      VALUES ($1, 'platform', $2, 'digest', '{}', $3, '{}', '{}', '{}', 'received', $4, $4)`, [newId(at), `idem-compaction-${at}`, HIRING, at]);
    await other.close();
    await waitFor(async () => (await compactCounters(gateway.store)) >= 0 && (gateway.store.dialect === 'sqlite'
      || Number((await gateway.store.query<{ n: number | string }>(
        'SELECT COUNT(*) AS n FROM business_counts WHERE shard <> 0 AND shard NOT IN (SELECT pid FROM pg_stat_activity WHERE pid IS NOT NULL)')).rows[0]!.n) === 0),
    { what: 'the ended session\'s shard folded into shard 0' });
    expect(await received()).to.equal(before + 1);
  });

  describe('the dashboard page', () => {
    let browser: DashboardClient;
    before(async () => {
      browser = new DashboardClient(gateway.url);
      expect((await browser.login('ops', PASSWORD)).status).to.equal(303);
    });

    it('shows the totals, the charts and the tables of the period, linked from the navigation', async () => {
      const page = await browser.get(`/ops/statistics${PERIOD}`);
      expect(page.status).to.equal(200);
      expect(page.body).to.contain('<a href="/ops/statistics" class="active" aria-current="page">');
      expect(page.body).to.match(/data-figure="applications"><dt>[^<]*<\/dt><dd>3<\/dd>/);
      expect(page.body).to.match(/data-figure="onTimeRate"><dt>[^<]*<\/dt><dd>66\.7%<\/dd>/);
      expect(page.body).to.contain('href="/ops/statistics/report.xlsx?month=2026-11"');
      expect(page.body.match(/<g class="bar"/g)).to.have.length(2 + 2 + 5);
      const overview = await browser.get('/ops');
      expect(overview.body).to.contain('href="/ops/statistics"');
    });

    it('answers a bad period with the picker and the message (400)', async () => {
      const page = await browser.get('/ops/statistics?from=2026-11-05&to=2026-11-01');
      expect(page.status).to.equal(400);
      expect(page.body).to.contain('/to: must be after from');
      expect(page.body).to.contain('value="2026-11-05"');
    });

    it('downloads the CSV and XLSX of the month', async () => {
      const csv = await browser.get('/ops/statistics/report.csv?month=2026-11');
      expect(csv.status).to.equal(200);
      expect(csv.headers.get('content-disposition')).to.contain('tongban-statistics-2026-11.csv');
      const xlsx = await fetch(`${gateway.url}/ops/statistics/report.xlsx?month=2026-11`, { headers: { cookie: browser.cookieHeader() } });
      expect(xlsx.status).to.equal(200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(await xlsx.arrayBuffer());
      expect(workbook.worksheets).to.have.length(3);
    });
  });
});
