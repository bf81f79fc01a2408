/**
 * A person as a verified ID token states them, for service-level tests that
 * call the licence services directly (the token's verification is tested in
 * test/unit/identity; tests through HTTP log in with test/helpers/identity.ts).
 */
import type { Actor } from '../../src/identity/index.js';

/** The natural person `idNumber`, logged in by face (L3) a minute ago; subject `sub-<idNumber>`. */
export function testActor(idNumber: string, overrides: Partial<Actor> = {}): Actor {
  return {
    issuer: 'http://idp.test', sub: `sub-${idNumber}`, subjectType: 'natural', idNumber, name: '测试人', level: 'L3', methods: ['face'],
    authTime: Date.now() - 60_000, expiresAt: Date.now() + 600_000, tokenDigest: `digest-${idNumber}`, ...overrides,
  };
}
