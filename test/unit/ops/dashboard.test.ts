/** The dashboard's building blocks: escaping, sessions and CSRF tokens, passwords, login throttling, masking, the chart. */
import { expect } from 'chai';
import { loadConfig } from '../../../src/config/index.js';
import { attemptsChart } from '../../../src/ops/dashboard/chart.js';
import { applicationHolders } from '../../../src/cases/application-holders.js';
import { licenceTypeName, maskHolderCode, shortId } from '../../../src/ops/dashboard/format.js';
import { readReason, readSearch, SearchInputError } from '../../../src/ops/dashboard/search.js';
import { escapeHtml, html, queryString } from '../../../src/ops/dashboard/html.js';
import { LoginThrottle } from '../../../src/ops/dashboard/login-throttle.js';
import { hashPassword, isPasswordHash, verifyPassword } from '../../../src/ops/dashboard/password.js';
import { cookieHeader, LOGIN_BINDING, parseCookies, SessionCodec } from '../../../src/ops/dashboard/session.js';

describe('ops dashboard: html', () => {
  it('escapes interpolated text, keeps fragments, flattens lists, drops null/undefined/false', () => {
    const name = '<a href="x" onclick=\'y\'>&`';
    expect(html`<td title="${name}">${name}</td>`.value).to.equal('<td title="&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;">&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;</td>');
    expect(html`<ul>${['<1>', html`<li>2</li>`]}</ul>${null}${undefined}${false}${0}`.value).to.equal('<ul>&lt;1&gt;<li>2</li></ul>0');
    expect(escapeHtml('a&b')).to.equal('a&amp;b');
    expect(queryString({ state: 'dead', department: undefined, q: 'a&b c' })).to.equal('?state=dead&q=a%26b%20c');
  });
});

describe('ops dashboard: sessions and CSRF tokens', () => {
  let clock = 1_800_000_000_000;
  const codec = new SessionCodec({ secret: 'x'.repeat(32), ttlSeconds: 60, now: () => clock });

  it('reads back the session it issued, until it expires', () => {
    const { session, cookie } = codec.issue('ops');
    expect(codec.read(cookie)).to.deep.equal(session);
    clock += 59_000;
    expect(codec.read(cookie)?.user).to.equal('ops');
    clock += 1_000;
    expect(codec.read(cookie)).to.equal(undefined);
  });

  it('refuses cookies signed with another secret, altered, truncated or garbage', () => {
    const { cookie } = codec.issue('ops');
    const other = new SessionCodec({ secret: 'y'.repeat(32), ttlSeconds: 60, now: () => clock });
    expect(other.read(cookie)).to.equal(undefined);
    const [version, payload, mac] = cookie.split('.');
    const changed = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), e: clock + 1e9 })).toString('base64url');
    expect(codec.read(`${version}.${changed}.${mac}`)).to.equal(undefined);
    for (const bad of [`${version}.${payload}`, 'v2.a.b', '', 'v1..', `v1.${Buffer.from('not json').toString('base64url')}.x`]) expect(codec.read(bad), bad).to.equal(undefined);
  });

  it('binds CSRF tokens to a session: a token of another session or of the login form does not pass', () => {
    const a = codec.issue('ops').session;
    const b = codec.issue('ops').session;
    const token = codec.csrfToken(a.sid);
    expect(codec.csrfCheck(token, token, a.sid)).to.equal(true);
    expect(codec.csrfCheck(token, token, b.sid)).to.equal(false);
    expect(codec.csrfCheck(token, token, LOGIN_BINDING)).to.equal(false);
    expect(codec.csrfCheck(token, codec.csrfToken(a.sid), a.sid), 'field and cookie differ').to.equal(false);
    expect(codec.csrfCheck(undefined, token, a.sid)).to.equal(false);
    expect(codec.csrfCheck(token, undefined, a.sid)).to.equal(false);
    const [nonce] = token.split('.');
    expect(codec.csrfTokenValid(`${nonce}.forged`, a.sid)).to.equal(false);
  });

  it('parses cookies and writes Set-Cookie with the dashboard attributes', () => {
    expect(parseCookies('a=1; b=x%3Dy; a=2; bad; c=%E0%A4%A')).to.deep.equal({ a: '1', b: 'x=y' });
    expect(cookieHeader('s', 'v', { maxAgeSeconds: 10.7, secure: true })).to.equal('s=v; Path=/ops; HttpOnly; SameSite=Strict; Max-Age=10; Secure');
  });
});

describe('ops dashboard: passwords', () => {
  it('hashes with scrypt, verifies the right password only, and the hash is accepted by TONGBAN_OPS_USERS', async () => {
    const hash = await hashPassword('tongban-ops', { N: 1024, r: 8, p: 1 });
    expect(hash).to.match(/^scrypt\$1024\$8\$1\$/);
    expect(isPasswordHash(hash)).to.equal(true);
    expect(await verifyPassword('tongban-ops', hash)).to.equal(true);
    expect(await verifyPassword('tongban-opS', hash)).to.equal(false);
    expect(await verifyPassword('tongban-ops', undefined)).to.equal(false);
    expect(await verifyPassword('tongban-ops', 'scrypt$3$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).to.equal(false);
    expect(loadConfig({ TONGBAN_OPS_USERS: JSON.stringify({ ops: hash }) }).opsUsers).to.deep.equal({ ops: hash });
    expect(() => loadConfig({ TONGBAN_OPS_USERS: JSON.stringify({ ops: 'plain-password' }) })).to.throw(/TONGBAN_OPS_USERS/);
    try {
      await hashPassword('short');
      expect.fail('a short password was hashed');
    } catch (error) {
      expect((error as Error).message).to.match(/at least 8/);
    }
  });
});

describe('ops dashboard: login throttle', () => {
  it('locks a user name after 5 failures and an address after 20, until the window passes', () => {
    let now = 0;
    const throttle = new LoginThrottle({ now: () => now });
    for (let index = 0; index < 5; index += 1) throttle.failed('ops', '10.0.0.1');
    expect(throttle.retryAfterSeconds('OPS', '10.0.0.2')).to.equal(900);
    expect(throttle.retryAfterSeconds('other', '10.0.0.1')).to.equal(0);
    for (let index = 0; index < 15; index += 1) throttle.failed(`user${index}`, '10.0.0.1');
    expect(throttle.retryAfterSeconds('someone', '10.0.0.1')).to.equal(900);
    now += 15 * 60_000;
    expect(throttle.retryAfterSeconds('ops', '10.0.0.1')).to.equal(0);
  });
});

describe('ops dashboard: masking and chart', () => {
  it('masks ID numbers, credit codes and other holder codes', () => {
    expect(maskHolderCode('11010519491231002X')).to.equal('110105********002X');
    expect(maskHolderCode('91350100M000100Y43')).to.equal('9135**********0Y43');
    expect(maskHolderCode('ABCDEFGH')).to.equal('AB****GH');
    expect(maskHolderCode('ABC')).to.equal('***');
  });

  it('draws one bar group per bucket, heights proportional to the counts, with titles', () => {
    const start = Date.UTC(2026, 10, 10, 6, 0);
    const svg = attemptsChart([{ start, delivered: 4, failed: 0 }, { start: start + 60_000, delivered: 2, failed: 2 }, { start: start + 120_000, delivered: 0, failed: 0 }], '测试').value;
    expect(svg.match(/<g class="bar"/g)).to.have.length(3);
    const heights = [...svg.matchAll(/<rect class="(delivered|failed)" x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)"/g)].map((match) => [match[1], Number(match[2])]);
    expect(heights).to.deep.equal([['delivered', 180], ['delivered', 90], ['failed', 90]]);
    expect(svg).to.contain('<title>14:01 成功 delivered 2 · 失败 failed 2</title>');
    expect(svg).to.contain('成功 delivered 6').and.to.contain('失败 failed 2');
  });
});

describe('ops dashboard: ids, names and the search box', () => {
  it('shortens a UUIDv7 to its random last 12 digits, and names licence types in Chinese', () => {
    expect(shortId('01a24b9b-87b5-7003-83c5-256cadb25c20')).to.equal('256cadb25c20');
    expect(shortId('short')).to.equal('short');
    expect(licenceTypeName('businessLicence')).to.equal('营业执照');
    expect(licenceTypeName('residentIdCard')).to.equal('居民身份证');
    expect(licenceTypeName('toString')).to.equal('toString');
  });

  it('reads the search box as the kinds of id it can be', () => {
    const id = '01A24B9B-87B5-7003-83C5-256CADB25C20';
    expect(readSearch(` ${id} `)).to.include({ value: id.toLowerCase(), idForm: 'id', holder: false, acceptanceNumber: false });
    expect(readSearch('…256CADB25C20')).to.include({ value: '256cadb25c20', idForm: 'shortId', acceptanceNumber: true });
    expect(readSearch('11010519491231002x')).to.include({ value: '11010519491231002X', holder: true, invalidHolder: false });
    expect(readSearch('11010519491231002x').display).not.to.contain('19491231');
    expect(readSearch('110105194912310021')).to.include({ holder: false, acceptanceNumber: true, invalidHolder: true });
    expect(readSearch('穗公受字〔2026〕118号')).to.include({ value: '穗公受字〔2026〕118号', holder: false, acceptanceNumber: true });
    for (const bad of ['', ' ', 'a'.repeat(65), "1' OR 1=1", '<b>', 'a\u0000b', 'two words']) expect(() => readSearch(bad), JSON.stringify(bad)).to.throw(SearchInputError);
    expect(() => readReason(' ')).to.throw(SearchInputError);
    expect(() => readReason('r'.repeat(201))).to.throw(SearchInputError);
    expect(readReason(' 工单 #118 ')).to.equal('工单 #118');
    for (const bad of ['工单\u202e811', '工单\u0085', '工单\n118', '工单\ud800', '工单\ufdd0']) expect(() => readReason(bad), JSON.stringify(bad)).to.throw(SearchInputError);
    expect(readReason('工单 Zoe\u0301')).to.equal('工单 Zoé');
  });

  it('takes the holders of an application from its form groups: ID numbers and credit codes, upper-case, once each', () => {
    expect(applicationHolders({
      mother: { name: '丘某', idNumber: ' 11010519491231002x ' }, enterprise: { creditCode: '91350100M000100Y43' }, child: { idNumber: '' }, note: 'x', list: [{ idNumber: '1' }],
    })).to.deep.equal([{ holderCode: '11010519491231002X', role: 'mother' }, { holderCode: '91350100M000100Y43', role: 'enterprise' }]);
  });
});
