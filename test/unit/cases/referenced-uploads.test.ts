import { expect } from 'chai';
import { referencedUploads, type UploadRow } from '../../../src/cases/referenced-uploads.js';

const row = (id: string, referencedAt: number | null): UploadRow => ({
  id, client_id: 'platform-web', sha256: 'ab'.repeat(32), size: 10, media_type: 'application/pdf', expires_at: 1, referenced_at: referencedAt,
});

describe('referenced upload rows kept in memory', () => {
  it('keeps only referenced rows (an unreferenced one may still expire or be removed)', () => {
    const kept = referencedUploads({});
    kept.remember(row('fresh', null));
    kept.remember(row('used', 1_700_000_000_000));
    expect(kept.get('fresh')).to.equal(undefined);
    expect(kept.get('used')?.id).to.equal('used');
  });

  it('is bounded: past the limit the least recently used goes', () => {
    const kept = referencedUploads({}, 2);
    kept.remember(row('a', 1));
    kept.remember(row('b', 1));
    kept.get('a');
    kept.remember(row('c', 1));
    expect([kept.get('a')?.id, kept.get('b')?.id, kept.get('c')?.id]).to.deep.equal(['a', undefined, 'c']);
    expect(kept.size).to.equal(2);
  });

  it('is per store: another store sees none of the rows', () => {
    const store = {};
    referencedUploads(store).remember(row('used', 1));
    expect(referencedUploads(store).get('used')?.id).to.equal('used');
    expect(referencedUploads({}).get('used')).to.equal(undefined);
  });
});
