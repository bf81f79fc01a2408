/** The period's bounds (China time) and the CSV's cells (quoting, formula guard). */
import { expect } from 'chai';
import { TongbanError } from '../../../src/errors/index.js';
import { chinaIso, monthOf, readMonth, readPeriod, reportCsv, type Statistics, type StatisticsRow } from '../../../src/statistics/index.js';

const NOW = Date.parse('2026-12-31T17:30:00Z'); // 1 January 2027, 01:30 in China

function pointerOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    if (error instanceof TongbanError) return error.errors?.[0]?.pointer;
    throw error;
  }
  return undefined;
}

describe('statistics period', () => {
  it('defaults to the month in China, which may not be the month in UTC', () => {
    const period = readPeriod({}, NOW);
    expect([chinaIso(period.from), chinaIso(period.to)]).to.deep.equal(['2027-01-01T00:00:00+08:00', '2027-02-01T00:00:00+08:00']);
    expect(monthOf(NOW)).to.deep.equal(period);
    expect(readMonth(undefined, NOW).month).to.equal('2027-01');
    expect(readMonth('2026-12', NOW)).to.deep.include({ from: Date.parse('2026-12-01T00:00:00+08:00'), to: Date.parse('2027-01-01T00:00:00+08:00') });
  });

  it('reads dates as China midnights and date-times by their zone', () => {
    expect(readPeriod({ from: '2026-11-01', to: '2026-11-02T12:00:00.5-05:00' }, NOW)).to.deep.equal({
      from: Date.parse('2026-10-31T16:00:00Z'), to: Date.parse('2026-11-02T17:00:00.500Z'),
    });
  });

  it('names the parameter at fault', () => {
    expect(pointerOf(() => readPeriod({ from: '2026-02-29' }, NOW))).to.equal('/from');
    expect(pointerOf(() => readPeriod({ to: ['2026-01-01'] }, NOW))).to.equal('/to');
    expect(pointerOf(() => readPeriod({ from: '2026-01-01', to: '2027-01-03' }, NOW))).to.equal('/to');
    expect(pointerOf(() => readPeriod({ from: '2024-01-01', to: '2025-01-01' }, NOW)), 'a leap year is 366 days: allowed').to.equal(undefined);
    expect(pointerOf(() => readMonth('2026-1', NOW))).to.equal('/month');
  });
});

describe('statistics CSV', () => {
  it('quotes commas and quotes, and guards a text Excel would take for a formula', () => {
    const row = (code: string, name: string) => ({
      code, name, applications: -0, subApplications: 0, completed: 0, rejected: 0, supplementRequested: 0, onTime: 0, overdue: 0, deadlineUnknown: 0,
      onTimeRate: null, meanWorkingDays: null, materials: { total: 0, withoutUpload: 0, share: null }, autoFillRatio: 0.5,
      satisfaction: { count: 0, levels: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 }, mean: null, satisfiedShare: null },
      catalogue: { matters: 0, guided: 0, online: 0, guideRate: null, onlineRate: null },
    }) as StatisticsRow;
    const group = { rows: [row('X', '=HYPERLINK("http://evil.test")'), row('Y', '甲,乙 "丙"')], totals: row('*', '合计') };
    const statistics: Statistics = { from: '', to: '', generatedAt: '', byTheme: group, byDepartment: { rows: [], totals: row('*', '合计') } };
    const lines = reportCsv(statistics).toString('utf8').split('\r\n');
    expect(lines[1]).to.match(/^按主题 By theme,X,"'=HYPERLINK\(""http:\/\/evil\.test""\)",0,/);
    expect(lines[2]).to.match(/^按主题 By theme,Y,"甲,乙 ""丙""",0,/);
    expect(lines[1]).to.contain(',,0.5,');
    expect(lines.at(-1)).to.equal('');
  });
});
