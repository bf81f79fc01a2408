import { expect } from 'chai';
import { addWorkingDays, chinaDate, COVERED_YEARS, isWorkingDay } from '../../../src/cases/working-days.js';

describe('working days (工作日) with 调休', () => {
  it('knows the 2026 holidays and make-up working days of docs/domain.md', () => {
    for (const day of ['2026-01-01', '2026-02-16', '2026-04-06', '2026-05-05', '2026-06-19', '2026-09-25', '2026-10-07']) expect(isWorkingDay(day), day).to.equal(false);
    for (const day of ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']) expect(isWorkingDay(day), day).to.equal(true);
  });

  it('counts from the day after acceptance, skipping weekends', () => {
    // Friday 2026-11-20 + 1 working day = Monday 2026-11-23.
    expect(addWorkingDays('2026-11-20', 1)).to.deep.equal({ status: 'computed', dueDate: '2026-11-23' });
    expect(addWorkingDays('2026-11-23', 5)).to.deep.equal({ status: 'computed', dueDate: '2026-11-30' });
  });

  it('crosses the National Day holiday and counts its make-up Saturday', () => {
    // Accepted 2026-09-30 (Wed). 10/1–7 off; 10/8 Thu, 10/9 Fri, 10/10 Sat (调休, working), 10/12 Mon.
    expect(addWorkingDays('2026-09-30', 1)).to.deep.equal({ status: 'computed', dueDate: '2026-10-08' });
    expect(addWorkingDays('2026-09-30', 3)).to.deep.equal({ status: 'computed', dueDate: '2026-10-10' });
    expect(addWorkingDays('2026-09-30', 4)).to.deep.equal({ status: 'computed', dueDate: '2026-10-12' });
  });

  it('crosses the Spring Festival (2/15–23) with 2/14 and 2/28 worked', () => {
    // Accepted Fri 2026-02-13: 2/14 Sat is a make-up working day.
    expect(addWorkingDays('2026-02-13', 1)).to.deep.equal({ status: 'computed', dueDate: '2026-02-14' });
    expect(addWorkingDays('2026-02-13', 2)).to.deep.equal({ status: 'computed', dueDate: '2026-02-24' });
  });

  it('flags a deadline that reaches a year the calendar does not cover, never guesses', () => {
    expect(COVERED_YEARS.has(2026)).to.equal(true);
    expect(COVERED_YEARS.has(2027)).to.equal(false);
    const due = addWorkingDays('2026-12-20', 20);
    expect(due.status).to.equal('uncovered');
    expect(due).to.deep.include({ uncoveredYear: 2027 });
    expect(() => isWorkingDay('2027-01-04')).to.throw(RangeError, /2027/);
  });

  it('takes China time for "today"', () => {
    expect(chinaDate(new Date('2026-11-23T17:00:00Z'))).to.equal('2026-11-24');
  });
});
