/**
 * Which database a CLI command reads: the configured one when DATABASE_URL
 * or TONGBAN_SQLITE_PATH is set (environment or TONGBAN_CONFIG file), else
 * the sandbox's recorded in data/sandbox.json — its keys folder and, while
 * it runs, its matter system with it.
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeDatabase, loadCliConfig } from '../../../src/cli/cli-config.js';
import { markSandboxStopped, readSandboxState, writeSandboxState, type SandboxState } from '../../../src/cli/sandbox-state.js';

describe('CLI configuration: the sandbox recorded in data/sandbox.json', () => {
  let dir: string;
  let stateFile: string;
  let state: SandboxState;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tongban-cli-config-'));
    stateFile = join(dir, 'data', 'sandbox.json');
    mkdirSync(join(dir, 'data'));
    state = {
      databasePath: join(dir, 'data', 'sandbox.db'), url: 'http://127.0.0.1:18080', certsDir: join(dir, 'certs', 'dev'),
      matterSystemUrl: 'http://127.0.0.1:18081', pid: process.pid, startedAt: new Date().toISOString(),
    };
    writeFileSync(state.databasePath, '');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('no database setting and a running sandbox: its database, keys folder and matter system', () => {
    writeSandboxState(state, stateFile);
    const { config, sandbox } = loadCliConfig({}, stateFile);
    expect(config.sqlitePath).to.equal(state.databasePath);
    expect(config.certsDir).to.equal(state.certsDir);
    expect(config.matterSystemUrl).to.equal(state.matterSystemUrl);
    expect(sandbox?.running).to.equal(true);
    expect(describeDatabase(config, sandbox)).to.contain("the sandbox's").and.to.contain('sandbox running at http://127.0.0.1:18080');
  });

  it('TONGBAN_SQLITE_PATH, DATABASE_URL or a TONGBAN_CONFIG sqlitePath: the configured database, not the sandbox\'s', () => {
    writeSandboxState(state, stateFile);
    expect(loadCliConfig({ TONGBAN_SQLITE_PATH: join(dir, 'mine.db') }, stateFile).sandbox).to.equal(undefined);
    expect(loadCliConfig({ TONGBAN_SQLITE_PATH: join(dir, 'mine.db') }, stateFile).config.matterSystemUrl).to.equal(undefined);
    expect(loadCliConfig({ DATABASE_URL: 'postgres://tongban@127.0.0.1:5432/x' }, stateFile).sandbox).to.equal(undefined);
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ sqlitePath: join(dir, 'file.db') }));
    const fromFile = loadCliConfig({ TONGBAN_CONFIG: file }, stateFile);
    expect(fromFile.sandbox).to.equal(undefined);
    expect(fromFile.config.sqlitePath).to.equal(join(dir, 'file.db'));
  });

  it('TONGBAN_CERTS_DIR set: the sandbox\'s database with the configured keys folder', () => {
    writeSandboxState(state, stateFile);
    const { config } = loadCliConfig({ TONGBAN_CERTS_DIR: join(dir, 'other') }, stateFile);
    expect(config.sqlitePath).to.equal(state.databasePath);
    expect(config.certsDir).to.equal(join(dir, 'other'));
  });

  it('a stopped sandbox: still its database (the data is there), no matter system; a record whose database is gone: ignored', () => {
    writeSandboxState(state, stateFile);
    markSandboxStopped(stateFile);
    const stopped = loadCliConfig({}, stateFile);
    expect(stopped.sandbox?.running).to.equal(false);
    expect(stopped.config.sqlitePath).to.equal(state.databasePath);
    expect(stopped.config.matterSystemUrl).to.equal(undefined);
    expect(describeDatabase(stopped.config, stopped.sandbox)).to.contain('sandbox stopped');

    rmSync(state.databasePath);
    const gone = loadCliConfig({}, stateFile);
    expect(gone.sandbox).to.equal(undefined);
    expect(gone.config.sqlitePath).to.equal('./data/tongban.db');
  });

  it('a record of a process that is no longer alive reads as not running; another process\'s record is not marked stopped by this one', () => {
    writeSandboxState({ ...state, pid: 2 ** 22 + 12345 }, stateFile); // above Linux's pid_max: never alive
    expect(readSandboxState(stateFile)?.running).to.equal(false);
    writeSandboxState({ ...state, pid: process.ppid }, stateFile);
    markSandboxStopped(stateFile);
    expect(readSandboxState(stateFile)?.state.stoppedAt).to.equal(undefined);
  });
});
