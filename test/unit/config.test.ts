import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, SETTINGS } from '../../src/config/index.js';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('defaults every setting and freezes the result', () => {
    const config = loadConfig({});
    expect(config).to.include({ port: 8080, host: '127.0.0.1', sqlitePath: './data/tongban.db', logLevel: 'info', bodyLimitBytes: 1048576 });
    expect(config.databaseUrl).to.equal(undefined);
    expect(Object.isFrozen(config)).to.equal(true);
  });

  it('coerces environment strings to typed values', () => {
    const config = loadConfig({ PORT: '9090', TONGBAN_SHUTDOWN_GRACE_MS: '250', DATABASE_URL: 'postgres://u@h/db' });
    expect(config).to.include({ port: 9090, shutdownGraceMs: 250, databaseUrl: 'postgres://u@h/db' });
  });

  it('names each invalid variable and what it expects', () => {
    const problems = problemsOf({ PORT: '70000', TONGBAN_LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    expect(problems.join('\n')).to.match(/^PORT: must be <= 65535/m)
      .and.to.match(/^TONGBAN_LOG_LEVEL: must be equal to one of the allowed values/m)
      .and.to.match(/^DATABASE_URL: must match pattern/m);
  });

  it('reads batch sizes per department (TONGBAN_DEPARTMENT_BATCH), 1 to 100', () => {
    expect(loadConfig({ TONGBAN_DEPARTMENT_BATCH: '{"gaj":16}' }).departmentBatch).to.deep.equal({ gaj: 16 });
    expect(loadConfig({}).departmentBatch).to.deep.equal({});
    expect(problemsOf({ TONGBAN_DEPARTMENT_BATCH: '{"gaj":0}' }).join('\n')).to.match(/^TONGBAN_DEPARTMENT_BATCH: /m);
    expect(problemsOf({ TONGBAN_DEPARTMENT_BATCH: '{"gaj":101}' }).join('\n')).to.match(/^TONGBAN_DEPARTMENT_BATCH: /m);
    expect(problemsOf({ TONGBAN_DEPARTMENT_BATCH: '{"GAJ!":4}' }).join('\n')).to.match(/^TONGBAN_DEPARTMENT_BATCH: /m);
  });

  it('refuses a delivery lease no longer than the push timeout, naming both variables', () => {
    expect(problemsOf({ TONGBAN_DELIVERY_TIMEOUT_MS: '5000', TONGBAN_DELIVERY_LEASE_MS: '5000' }).join('\n'))
      .to.match(/^TONGBAN_DELIVERY_LEASE_MS: must be longer than TONGBAN_DELIVERY_TIMEOUT_MS \(5000 ≤ 5000 ms\)/m);
    expect(() => loadConfig({ TONGBAN_DELIVERY_TIMEOUT_MS: '5000', TONGBAN_DELIVERY_LEASE_MS: '5001' })).not.to.throw();
  });

  it('bounds every PostgreSQL wait by default, and refuses a query timeout no longer than the statement timeout, naming both variables', () => {
    expect(loadConfig({})).to.include({
      databaseConnectTimeoutMs: 3000, databaseStatementTimeoutMs: 10000, databaseLockTimeoutMs: 3000, databaseIdleInTransactionTimeoutMs: 30000,
      databaseQueryTimeoutMs: 15000, databaseKeepAliveMs: 10000, databaseRequestBudgetMs: 20000,
    });
    expect(problemsOf({ TONGBAN_DATABASE_STATEMENT_TIMEOUT_MS: '5000', TONGBAN_DATABASE_QUERY_TIMEOUT_MS: '5000' }).join('\n'))
      .to.match(/^TONGBAN_DATABASE_QUERY_TIMEOUT_MS: must be longer than TONGBAN_DATABASE_STATEMENT_TIMEOUT_MS \(5000 ≤ 5000 ms\)/m);
    expect(() => loadConfig({ TONGBAN_DATABASE_STATEMENT_TIMEOUT_MS: '0', TONGBAN_DATABASE_QUERY_TIMEOUT_MS: '100' })).not.to.throw();
    expect(problemsOf({ TONGBAN_DATABASE_REQUEST_BUDGET_MS: '0' }).join('\n')).to.match(/^TONGBAN_DATABASE_REQUEST_BUDGET_MS: must be >= 100/m);
  });

  it('rejects unknown TONGBAN_ variables (typos) but ignores unrelated ones', () => {
    expect(problemsOf({ TONGBAN_PROT: '1' })).to.deep.equal(['TONGBAN_PROT: unknown setting (see the README configuration reference)']);
    expect(() => loadConfig({ HOME: '/root', PATH: '/bin' })).not.to.throw();
  });

  it('reads an optional JSON config file; the environment wins over it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tongban-config-'));
    const file = join(dir, 'tongban.json');
    writeFileSync(file, JSON.stringify({ port: 7000, logLevel: 'warn' }));
    const config = loadConfig({ TONGBAN_CONFIG: file, TONGBAN_LOG_LEVEL: 'debug' });
    expect(config).to.include({ port: 7000, logLevel: 'debug' });
  });

  it('rejects unknown keys and bad values in the config file, naming the file and key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tongban-config-'));
    const file = join(dir, 'tongban.json');
    writeFileSync(file, JSON.stringify({ prot: 1, port: 'x' }));
    const problems = problemsOf({ TONGBAN_CONFIG: file });
    expect(problems).to.include(`TONGBAN_CONFIG: ${file} has unknown key "prot"`);
    expect(problems.some((p) => p.startsWith(`${file} key "port": must be integer`))).to.equal(true);
  });

  it('documents every setting in the README configuration reference', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync('README.md', 'utf8');
    for (const setting of SETTINGS) expect(readme, setting.env).to.contain(`\`${setting.env}\``);
  });
});

describe('config: the blob store (TONGBAN_BLOB_STORE)', () => {
  it('defaults to files without DATABASE_URL, to PostgreSQL with it', () => {
    expect(loadConfig({}).blobStore).to.equal('file');
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).blobStore).to.equal('postgres');
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db', TONGBAN_BLOB_STORE: 'file' }).blobStore).to.equal('file');
  });

  it('names the variables at fault', () => {
    expect(problemsOf({ TONGBAN_BLOB_STORE: 'disk' })[0]).to.match(/^TONGBAN_BLOB_STORE: must be equal to one of the allowed values/);
    expect(problemsOf({ TONGBAN_BLOB_STORE: 'postgres' })).to.deep.equal(['TONGBAN_BLOB_STORE: postgres keeps files in the PostgreSQL database, so DATABASE_URL must be set (or choose file or s3)']);
    expect(problemsOf({ TONGBAN_BLOB_STORE: 's3' })).to.deep.equal(['TONGBAN_S3_BUCKET: required when TONGBAN_BLOB_STORE=s3']);
    expect(problemsOf({ TONGBAN_BLOB_STORE: 's3', TONGBAN_S3_BUCKET: 'files', TONGBAN_S3_ACCESS_KEY_ID: 'key' }))
      .to.deep.equal(['TONGBAN_S3_ACCESS_KEY_ID and TONGBAN_S3_SECRET_ACCESS_KEY: set both or neither']);
    expect(problemsOf({ TONGBAN_S3_ENDPOINT: 'minio:9000' })[0]).to.match(/^TONGBAN_S3_ENDPOINT: must match pattern/);
  });
});
