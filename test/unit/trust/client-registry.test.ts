import { expect } from 'chai';
import { exportJWK, generateKeyPair } from 'jose';
import { TongbanError } from '../../../src/errors/index.js';
import { parseClientsFile } from '../../../src/trust/client-registry.js';

describe('clients file: names follow the text rules', () => {
  let publicJwk: Record<string, unknown>;
  before(async () => {
    const { publicKey } = await generateKeyPair('EdDSA');
    publicJwk = { ...await exportJWK(publicKey), kid: 'k1', alg: 'EdDSA' };
  });
  const client = (name: unknown) => ({ id: 'platform-a', role: 'platform', algorithms: ['EdDSA'], keys: [publicJwk], name });

  function pointers(names: unknown[]): string[] {
    try {
      parseClientsFile({ clients: names.map((name, index) => ({ ...client(name), id: `platform-${index}` })) });
    } catch (error) {
      expect(error).to.be.instanceOf(TongbanError).and.include({ code: 'VALIDATION_FAILED' });
      return (error as TongbanError).errors!.map((field) => field.pointer);
    }
    return [];
  }

  it('keeps a name normalised (NFC, trimmed) and leaves the file content as it was', () => {
    const content = { clients: [client(' 梅州市一网通办 Zoe\u0301 ')] };
    expect(parseClientsFile(content)[0]!.name).to.equal('梅州市一网通办 Zoé');
    expect(content.clients[0]!.name).to.equal(' 梅州市一网通办 Zoe\u0301 ');
  });

  const refused: [string, string][] = [
    ['white space only', ' \u3000 '],
    ['a line break', '梅州\n平台'],
    ['a RIGHT-TO-LEFT OVERRIDE', '梅州\u202e台平'],
    ['an unpaired surrogate', '梅州\ud800'],
    ['a noncharacter', '梅州\ufffe'],
    ['a C1 control character', '梅州\u009b31m'],
  ];
  for (const [what, name] of refused) it(`refuses a name with ${what}, naming /clients/{i}/name`, () => expect(pointers(['甲', name])).to.deep.equal(['/clients/1/name']));
});
