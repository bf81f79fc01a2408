/**
 * `tongban webhooks add|list|remove|deliveries|replay` as a user runs it
 * (a child process on a SQLite database): the API's URL rules, the
 * endpoint disabled, a dead letter replayed and audited as cli:<user>.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '../../../src/trust/index.js';
import { ClientRegistry } from '../../../src/trust/client-registry.js';
import { migrate, SqliteStore } from '../../../src/store/index.js';
import { childEnv } from '../../helpers/sandbox-process.js';
import { runTongban } from '../../helpers/tongban-cli.js';

describe('tongban webhooks (CLI)', function () {
  this.timeout(120_000);
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const tongban = (...args: string[]) => runTongban(args, { cwd: dir, env });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tongban-webhooks-cli-'));
    env = childEnv({ TONGBAN_SQLITE_PATH: join(dir, 'tongban.db'), TONGBAN_CERTS_DIR: join(dir, 'certs'), PORT: '18443' });
    const store = new SqliteStore({ path: join(dir, 'tongban.db') });
    await migrate(store);
    const key = await generateKeyPair('EdDSA');
    await new ClientRegistry(store).upsert([
      { id: 'platform-cli', role: 'platform', name: '申办平台 (CLI test)', algorithms: ['EdDSA'], keys: [key.publicJwk] },
      { id: 'ops-cli', role: 'ops', name: 'ops (CLI test)', algorithms: ['EdDSA'], keys: [key.publicJwk] },
    ]);
    await store.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('adds, lists and removes an endpoint; refuses what the API refuses, naming the field', async () => {
    const refusedScheme = await tongban('webhooks', 'add', '--client', 'platform-cli', '--url', 'ftp://platform.test/events');
    expect(refusedScheme.code).to.not.equal(0);
    expect(refusedScheme.stderr).to.match(/\/url: must be http or https/);
    const refusedSelf = await tongban('webhooks', 'add', '--client', 'platform-cli', '--url', 'http://127.0.0.1:18443/hook');
    expect(refusedSelf.stderr).to.match(/\/url: points at the gateway itself/);
    const refusedType = await tongban('webhooks', 'add', '--client', 'platform-cli', '--url', 'https://platform.test/events', '--events', 'application.received,nope');
    expect(refusedType.stderr).to.match(/\/eventTypes\/1: is not an event type/);
    expect((await tongban('webhooks', 'add', '--client', 'ops-cli', '--url', 'https://platform.test/events')).stderr).to.match(/ops client/);

    const added = await tongban('webhooks', 'add', '--client', 'platform-cli', '--url', 'https://platform.test/events', '--events', 'application.received,sub_application.completed', '--json');
    expect(added.code, added.stderr).to.equal(0);
    const endpoint = JSON.parse(added.stdout) as { id: string; eventTypes: string[]; status: string };
    expect(endpoint).to.deep.include({ eventTypes: ['application.received', 'sub_application.completed'], status: 'active' });
    const listed = JSON.parse((await tongban('webhooks', 'list', '--json')).stdout) as { id: string; client: string }[];
    expect(listed.map((row) => [row.id, row.client])).to.deep.equal([[endpoint.id, 'platform-cli']]);
    const removed = await tongban('webhooks', 'remove', endpoint.id);
    expect(removed.stdout).to.match(/disabled/);
    expect((JSON.parse((await tongban('webhooks', 'list', '--client', 'platform-cli', '--json')).stdout) as { status: string }[])[0]!.status).to.equal('disabled');
  });

  it('lists a dead letter and replays it, audited as cli:<user>', async () => {
    const added = JSON.parse((await tongban('webhooks', 'add', '--client', 'platform-cli', '--url', 'https://platform.test/other', '--json')).stdout) as { id: string };
    const store = new SqliteStore({ path: join(dir, 'tongban.db') });
    try {
      await store.query("INSERT INTO webhook_messages (id, client_id, application_id, sequence, type, payload, created_at) VALUES ('msg_cli', 'platform-cli', 'app-cli', 1, 'application.received', '{}', 1)");
      await store.query("INSERT INTO webhook_deliveries (id, message_id, endpoint_id, client_id, application_id, sequence, state, attempts, next_attempt_at, last_status, last_error, created_at, updated_at) VALUES ('whd_cli', 'msg_cli', $1, 'platform-cli', 'app-cli', 1, 'dead', 15, 1, 503, 'HTTP 503', 1, 1)", [added.id]);
      const dead = await tongban('webhooks', 'deliveries', '--state', 'dead');
      expect(dead.stdout).to.match(/whd_cli/);
      const replayed = await tongban('webhooks', 'replay', 'whd_cli');
      expect(replayed.code, replayed.stderr).to.equal(0);
      expect(replayed.stdout).to.match(/msg_cli\) queued again \(was dead\); audited as cli:/);
      expect((await store.query<{ state: string; attempts: number }>("SELECT state, attempts FROM webhook_deliveries WHERE id = 'whd_cli'")).rows).to.deep.equal([{ state: 'pending', attempts: 0 }]);
      expect((await store.query<{ action: string }>("SELECT action FROM ops_audit WHERE target = 'whd_cli' AND client_id LIKE 'cli:%'")).rows).to.deep.equal([{ action: 'webhook.replay' }]);
      const again = await tongban('webhooks', 'replay', 'whd_cli');
      expect(again.code).to.not.equal(0);
      expect(again.stderr).to.match(/only dead deliveries can be replayed/);
    } finally {
      await store.close();
    }
  });
});
