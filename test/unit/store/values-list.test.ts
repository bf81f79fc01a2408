import { expect } from 'chai';
import { placeholders, StatementNames, valuesList } from '../../../src/store/index.js';

describe('valuesList', () => {
  it('numbers each row\'s placeholders in order and flattens the values the same way', () => {
    expect(valuesList([['a', 1, null], ['b', 2, true]])).to.deep.equal({ sql: '($1, $2, $3), ($4, $5, $6)', params: ['a', 1, null, 'b', 2, true] });
  });

  it('starts after the parameters that come before the list', () => {
    expect(valuesList([['x'], ['y']], 3)).to.deep.equal({ sql: '($3), ($4)', params: ['x', 'y'] });
  });

  it('refuses no rows, empty rows and rows of different lengths', () => {
    expect(() => valuesList([])).to.throw(/at least one row/);
    expect(() => valuesList([[]])).to.throw(/at least one row/);
    expect(() => valuesList([['a', 'b'], ['c']])).to.throw(/differ in length: 1 and 2/);
  });
});

describe('placeholders', () => {
  it('numbers an IN list from 1, or from after the parameters before it', () => {
    expect(placeholders(3)).to.equal('$1, $2, $3');
    expect(placeholders(2, 4)).to.equal('$4, $5');
  });
});

describe('StatementNames', () => {
  it('gives each distinct text one name, the same every time', () => {
    const names = new StatementNames();
    const first = names.of('SELECT $1');
    expect(first).to.be.a('string');
    expect(names.of('SELECT $1')).to.equal(first);
    expect(names.of('SELECT $1, $2')).to.not.equal(first);
    expect(names.size).to.equal(2);
  });

  it('names no more than its limit: later texts run unnamed, earlier ones keep their names', () => {
    const names = new StatementNames(2);
    const a = names.of('a');
    const b = names.of('b');
    expect(names.of('c')).to.equal(undefined);
    expect([names.of('a'), names.of('b')]).to.deep.equal([a, b]);
    expect(names.size).to.equal(2);
  });
});
