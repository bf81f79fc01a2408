/**
 * Which departments take batched pushes, and how many sub-applications a
 * push may carry: the registry's `batch`, overridden by
 * TONGBAN_DEPARTMENT_BATCH; only rest departments can.
 */
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChannelRegistry } from '../../../src/delivery/department-channels.js';
import { loadDepartments, type Department } from '../../../src/delivery/department-registry.js';
import { createPushChannelFactory } from '../../../src/gateway-setup.js';
import { generateKeyPair } from '../../../src/trust/index.js';
import type { ClientRegistry } from '../../../src/trust/client-registry.js';
import type { Keyring } from '../../../src/trust/keyring.js';

function registryFile(departments: unknown[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'tongban-departments-')), 'departments.json');
  writeFileSync(file, JSON.stringify({ departments }));
  return file;
}

const department = (overrides: Record<string, unknown>) => ({ code: 'gaj', name: '公安局', names: ['公安局'], algorithm: 'SM2', channel: 'rest', ...overrides });

describe('batched pushes: settings', () => {
  it('the registry takes `batch` for a rest department, 1 to 100, and refuses it elsewhere, naming the pointer', () => {
    expect(loadDepartments(registryFile([department({ batch: 16 })]))[0]!.batch).to.equal(16);
    expect(loadDepartments().every((entry) => entry.batch === undefined), 'the shipped registry batches nobody').to.equal(true);
    expect(() => loadDepartments(registryFile([department({ batch: 0 })]))).to.throw(/#\/departments\/0\/batch: must be >= 1/);
    expect(() => loadDepartments(registryFile([department({ batch: 101 })]))).to.throw(/#\/departments\/0\/batch: must be <= 100/);
    expect(() => loadDepartments(registryFile([department({ code: 'mzrsj', channel: 'soap', batch: 4 })])))
      .to.throw(/#\/departments\/0\/batch: only a rest department takes batched pushes, mzrsj is soap/);
  });

  describe('the channel registry', () => {
    let keyring: Keyring;
    const clients = { resolve: async () => ({ keys: {} }) } as unknown as ClientRegistry;
    before(async () => {
      const { privateJwk } = await generateKeyPair('EdDSA');
      keyring = { signingKey: () => privateJwk } as unknown as Keyring;
    });
    const departments: Department[] = [
      department({ batch: 6 }) as unknown as Department,
      department({ code: 'wjj', name: '卫生健康局', names: ['卫生健康局'], algorithm: 'ES256' }) as unknown as Department,
      department({ code: 'mzrsj', name: '民政和人社局', names: ['民政和人社局'], algorithm: 'RS256', channel: 'soap' }) as unknown as Department,
    ];
    const endpoints = { gaj: 'http://127.0.0.1:9/gaj', wjj: 'http://127.0.0.1:9/wjj', mzrsj: 'http://127.0.0.1:9/mzrsj' };

    it('gives a rest channel its batch size: the setting wins over the registry; without either, one per push', async () => {
      const channels = createChannelRegistry({ departments, endpoints, factory: createPushChannelFactory(keyring), clients, timeoutMs: 1000, batch: { wjj: 12 } });
      try {
        const gaj = await channels('gaj');
        expect(gaj?.maxBatch).to.equal(6);
        expect(gaj?.deliverBatch).to.be.a('function');
        expect((await channels('wjj'))?.maxBatch).to.equal(12);
        const overridden = createChannelRegistry({ departments, endpoints, factory: createPushChannelFactory(keyring), clients, timeoutMs: 1000, batch: { gaj: 1 } });
        expect((await overridden('gaj'))?.deliverBatch, 'batch 1: the batched operation is never called').to.equal(undefined);
        overridden.close();
        const soap = await channels('mzrsj');
        expect(soap?.deliverBatch).to.equal(undefined);
      } finally {
        channels.close();
      }
    });

    it('refuses TONGBAN_DEPARTMENT_BATCH for a department that is not rest, or not in the registry, by name', () => {
      expect(() => createChannelRegistry({ departments, endpoints, factory: createPushChannelFactory(keyring), clients, timeoutMs: 1000, batch: { mzrsj: 4 } }))
        .to.throw(/TONGBAN_DEPARTMENT_BATCH: mzrsj is a soap department; only rest departments take batched pushes/);
      expect(() => createChannelRegistry({ departments, endpoints, factory: createPushChannelFactory(keyring), clients, timeoutMs: 1000, batch: { nobody: 4 } }))
        .to.throw(/TONGBAN_DEPARTMENT_BATCH: nobody is no department of the registry/);
    });
  });
});
