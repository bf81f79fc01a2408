/**
 * Prefill's provenance for a licence that is the result of an earlier
 * application: the licence came through the normal access path
 * (authorisation, reason, ledger); this only names where it came from —
 * "result of application <id>" — on the fields it filled and in the
 * evidence intake keeps.
 */
import type { EvidenceField } from '../forms/prefill-evidence.js';
import type { Provenance } from '../forms/prefill.js';

/** Looks the origins of licence identifiers up (issuance-jobs.ts `resultOrigins`). */
export type ResultOrigins = (identifiers: readonly string[]) => Promise<Map<string, { applicationId: string; subApplicationId: string }>>;

/** Adds `resultOf` to the provenance and evidence of fields filled from a licence Tongban issued. */
export async function annotateResultOrigins(result: { provenance: Record<string, Provenance | { readonly source: string }>; evidence: Record<string, EvidenceField | object> }, origins: ResultOrigins): Promise<void> {
  // Only licence sources: other sources (shared data) carry no licence identifier.
  const fromLicence = (entry: Provenance | { readonly source: string }): entry is Provenance => entry.source === 'licence';
  const identifiers = [...new Set(Object.values(result.provenance).filter(fromLicence).map((entry) => entry.licenceIdentifier))];
  const found = await origins(identifiers);
  if (found.size === 0) return;
  for (const [canonical, entry] of Object.entries(result.provenance)) {
    if (!fromLicence(entry)) continue;
    const origin = found.get(entry.licenceIdentifier);
    if (!origin) continue;
    result.provenance[canonical] = { ...entry, resultOf: { ...origin, detail: `result of application ${origin.applicationId}` } };
    const evidence = result.evidence[canonical];
    if (evidence) result.evidence[canonical] = { ...evidence, resultOf: origin.applicationId };
  }
}
