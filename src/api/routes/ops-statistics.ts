/** Business statistics for ops (docs/ops.md "Statistics"): JSON for any period, the monthly report as CSV and XLSX. */
import { validationError } from '../../errors/index.js';
import { computeStatistics, grouping, GROUPINGS, readMonth, readPeriod, reportCsv, reportXlsx, type Grouping, type StatisticsOptions } from '../../statistics/index.js';
import { query } from '../openapi/parameters.js';
import { statisticsAnswer } from '../openapi/schemas/statistics.js';
import { type Route, OPS_READ } from './route.js';

const ops = { roles: ['ops'] as const };

const EXAMPLE_ROW = {
  code: 'MX-T05', name: '婴儿“出生一件事”', applications: 2, subApplications: 6, completed: 4, rejected: 1, supplementRequested: 1, onTime: 2, overdue: 1, deadlineUnknown: 1,
  onTimeRate: 0.6667, meanWorkingDays: 4.25, materials: { total: 6, withoutUpload: 3, share: 0.5 }, autoFillRatio: 0.25,
  satisfaction: { count: 3, levels: { 1: 0, 2: 1, 3: 0, 4: 1, 5: 1 }, mean: 3.67, satisfiedShare: 0.6667 },
  catalogue: { matters: 3, guided: 2, online: 1, guideRate: 0.6667, onlineRate: 0.3333 },
};
const STATISTICS_EXAMPLE = {
  from: '2026-11-01T00:00:00+08:00', to: '2026-12-01T00:00:00+08:00', groupBy: 'theme', generatedAt: '2026-12-01T09:30:00+08:00',
  rows: [EXAMPLE_ROW], totals: { ...EXAMPLE_ROW, code: '*', name: '合计' },
};
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const periodParameters = [
  query('from', 'Start (inclusive): YYYY-MM-DD (midnight China time) or an ISO 8601 date-time with a zone; default the first day of the current month (China)'),
  query('to', 'End (exclusive), same forms; default the first day of the next month; at most 366 days after from'),
];
const monthParameter = query('month', 'The report month YYYY-MM (China time); default the current month', { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' });

/** Read-only routes: `options.reader` is the ops reader (off the request loop). */
export function opsStatisticsRoutes(options: StatisticsOptions): Route[] {
  const now = options.now ?? Date.now;
  return [
    {
      method: 'GET', path: '/v1/ops/statistics', access: OPS_READ,
      summary: 'Business statistics of a period per theme or per department: received, completed, rejected, 补正, on time vs overdue, working days, materials without upload, auto-fill, satisfaction, 可导办率 / 可网办率',
      parameters: [...periodParameters, query('groupBy', 'theme (default) or department', { enum: [...GROUPINGS] })],
      responses: { 200: { description: 'The figures per group and their totals', schema: statisticsAnswer, example: STATISTICS_EXAMPLE } },
      errors: ['VALIDATION_FAILED'],
      handler: async (req, res) => {
        const by = req.query['groupBy'] === undefined ? 'theme' : req.query['groupBy'];
        if (!GROUPINGS.includes(by as Grouping)) throw validationError([{ pointer: '/groupBy', message: `must be one of ${GROUPINGS.join(', ')}` }]);
        const period = readPeriod({ from: req.query['from'], to: req.query['to'] }, now());
        const statistics = await computeStatistics(options, period);
        res.json({ from: statistics.from, to: statistics.to, groupBy: by, generatedAt: statistics.generatedAt, ...grouping(statistics, by as Grouping) });
      },
    },
    {
      method: 'GET', path: '/v1/ops/statistics/report.csv', access: OPS_READ,
      summary: 'The monthly report as CSV (UTF-8 with BOM): per theme, then per department, each with a totals row',
      parameters: [monthParameter],
      responses: { 200: { description: 'The report', contentType: 'text/csv', schema: { type: 'string' }, headers: { 'Content-Disposition': 'attachment; filename="tongban-statistics-YYYY-MM.csv"' } } },
      errors: ['VALIDATION_FAILED'],
      handler: async (req, res) => {
        const month = readMonth(req.query['month'], now());
        const body = reportCsv(await computeStatistics(options, month));
        res.type('text/csv; charset=utf-8').attachment(`tongban-statistics-${month.month}.csv`).send(body);
      },
    },
    {
      method: 'GET', path: '/v1/ops/statistics/report.xlsx', access: OPS_READ,
      summary: 'The monthly report as XLSX: a summary sheet, a sheet per theme grouping and per department grouping, each with a totals row',
      parameters: [monthParameter],
      responses: { 200: { description: 'The report', contentType: XLSX_TYPE, schema: { type: 'string', contentMediaType: XLSX_TYPE }, headers: { 'Content-Disposition': 'attachment; filename="tongban-statistics-YYYY-MM.xlsx"' } } },
      errors: ['VALIDATION_FAILED'],
      handler: async (req, res) => {
        const month = readMonth(req.query['month'], now());
        const body = await reportXlsx(await computeStatistics(options, month), month.month);
        res.type(XLSX_TYPE).attachment(`tongban-statistics-${month.month}.xlsx`).send(body);
      },
    },
  ];
}
