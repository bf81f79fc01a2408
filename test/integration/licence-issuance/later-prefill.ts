/**
 * The later use of a licence Tongban issued, as a platform makes it: the
 * holder's authorisation (with the ID token of whoever acts for them), a
 * prefill of a later theme under it, and what such a prefill must show — the
 * fields filled from the issued licence, each with provenance naming the
 * application whose result it was, and the read in the ledger.
 */
import { expect } from 'chai';
import type { DeliveryEnvironment } from '../../helpers/delivery-environment.js';
import type { GuideMaterial } from '../../helpers/materials.js';

/** What a later prefill answers, as far as these tests read it. */
export interface LaterPrefill {
  authorizationId: string;
  form: Record<string, Record<string, unknown>>;
  evidenceToken: string;
  materials: GuideMaterial[];
  provenance: Record<string, { licenceIdentifier?: string; resultOf?: { applicationId: string; detail: string } }>;
}

export interface LaterUse {
  idToken: string;
  holder: { code: string; type: 'citizen' | 'organization' };
  /** The subject of the later theme the holder is. */
  subject: string;
  licenceTypes: string[];
  themeCode: string;
  answers: Record<string, unknown>;
  /** The purpose of the authorisation and the prefill's reason for use. */
  purpose: string;
  useCause: string;
  consent: 'face-recognition' | 'signature';
}

/** Records the holder's authorisation for the later theme (201 expected) and prefills it under it (200 expected). */
export async function authoriseAndPrefill(env: DeliveryEnvironment, use: LaterUse): Promise<LaterPrefill> {
  const authorization = await env.platform.request('POST', '/v1/authorizations', {
    idToken: use.idToken,
    body: {
      holder: use.holder, licenceTypes: use.licenceTypes, purpose: { themeCode: use.themeCode, description: use.purpose },
      expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(), consent: { method: use.consent, at: new Date().toISOString() },
    },
  });
  expect(authorization.status, JSON.stringify(authorization.body)).to.equal(201);
  const authorizationId = (authorization.body as { id: string }).id;
  const prefill = await env.platform.request('POST', '/v1/prefill', {
    idToken: use.idToken,
    body: { themeCode: use.themeCode, answers: use.answers, useCause: use.useCause, holders: { [use.subject]: { ...use.holder, authorizationId } } },
  });
  expect(prefill.status, JSON.stringify(prefill.body)).to.equal(200);
  return { authorizationId, ...(prefill.body as Omit<LaterPrefill, 'authorizationId'>) };
}

/** Each field filled from the issued licence, its provenance naming the application; the read ledgered as used under the authorisation. */
export async function expectFilledFromResult(env: DeliveryEnvironment, prefill: LaterPrefill, expected: { fields: string[]; identifier: string; applicationId: string; holderCode: string; themeCode: string }): Promise<void> {
  for (const field of expected.fields) {
    expect(prefill.provenance[field], field).to.deep.include({ licenceIdentifier: expected.identifier });
    expect(prefill.provenance[field]!.resultOf, field).to.deep.include({ applicationId: expected.applicationId, detail: `result of application ${expected.applicationId}` });
  }
  const uses = await env.gateway.ledger.listByHolder(expected.holderCode, { limit: 50 });
  expect(uses.filter((use) => use.licenceIdentifier === expected.identifier && use.authorizationId === prefill.authorizationId && use.themeCode === expected.themeCode)
    .map((use) => use.outcome)).to.include('used');
}
