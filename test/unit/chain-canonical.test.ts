/**
 * The change log's canonical form (src/db/chain.ts), pinned by strings written out here: the
 * expected hashes are SHA-256 over these literals with node:crypto, as an auditor's own tool
 * would compute them, never through the code's canonical().
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GENESIS, type StoredLogRow, canonicalRow, rowHash, verifyRows } from '../../src/db/chain.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const raiseRow: Omit<StoredLogRow, 'prev_hash' | 'hash'> = {
  id: 1,
  subject_type: 'rfc',
  subject_key: 'RFC-1',
  at: 1_796_115_600_000,
  actor: 'cli:bob',
  action: 'raise',
  from_state: null,
  to_state: 'draft',
  reason: null,
  detail: null,
};
const RAISE_CANONICAL =
  '{"action":"raise","actor":"cli:bob","at":1796115600000,"detail":null,"from_state":null,"id":1,"reason":null,"subject_key":"RFC-1","subject_type":"rfc","to_state":"draft"}';

// Stored with its keys out of order, non-ASCII text and a nested array: canonical sorts keys at every depth.
const voteRow: Omit<StoredLogRow, 'prev_hash' | 'hash'> = {
  id: 2,
  subject_type: 'rfc',
  subject_key: 'RFC-1',
  at: 1_796_115_660_000,
  actor: 'slack:T1/U2',
  action: 'vote',
  from_state: 'submitted',
  to_state: 'approved',
  reason: 'Looks “fine”',
  detail: '{"quorum": 1, "choice": "approve", "by": {"z": [2, {"b": true, "a": null}], "a": "é"}}',
};
const VOTE_CANONICAL =
  '{"action":"vote","actor":"slack:T1/U2","at":1796115660000,"detail":{"by":{"a":"é","z":[2,{"a":null,"b":true}]},"choice":"approve","quorum":1},"from_state":"submitted","id":2,"reason":"Looks “fine”","subject_key":"RFC-1","subject_type":"rfc","to_state":"approved"}';

const RAISE_HASH = sha256(`0000000000000000000000000000000000000000000000000000000000000000${RAISE_CANONICAL}`);
const VOTE_HASH = sha256(RAISE_HASH + VOTE_CANONICAL);

describe('the canonical form', () => {
  it('is the row as RFC 8785 JSON: sorted keys, explicit nulls, the time as integer ms, detail re-serialised', () => {
    expect(GENESIS).toBe('0000000000000000000000000000000000000000000000000000000000000000');
    expect(canonicalRow(raiseRow)).toBe(RAISE_CANONICAL);
    expect(canonicalRow(voteRow)).toBe(VOTE_CANONICAL);
  });

  it('hashes the previous hash followed by the canonical content', () => {
    expect(rowHash(GENESIS, raiseRow)).toBe(RAISE_HASH);
    expect(rowHash(RAISE_HASH, voteRow)).toBe(VOTE_HASH);
  });
});

describe('verifyRows', () => {
  const chain: StoredLogRow[] = [
    { ...raiseRow, prev_hash: GENESIS, hash: RAISE_HASH },
    { ...voteRow, prev_hash: RAISE_HASH, hash: VOTE_HASH },
  ];

  it('accepts the hand-made chain and gives its head', () => {
    expect(verifyRows(chain, 2)).toEqual({ ok: true, rows: 2, head: { id: 2, hash: VOTE_HASH } });
    expect(verifyRows(chain, 2, { id: 1, hash: RAISE_HASH }).ok).toBe(true);
  });

  it('names the first broken row and what differs', () => {
    const changed = [chain[0]!, { ...chain[1]!, reason: 'Looks fine' }];
    expect(verifyRows(changed, 2)).toMatchObject({ ok: false, rows: 1, broken: { id: 2, subject: 'rfc RFC-1', action: 'vote', kind: 'content' } });
    const relinked = [{ ...chain[0]!, prev_hash: VOTE_HASH }, chain[1]!];
    expect(verifyRows(relinked, 2)).toMatchObject({ ok: false, rows: 0, broken: { id: 1, kind: 'link' } });
    expect(verifyRows([chain[1]!], 2)).toMatchObject({ ok: false, rows: 0, broken: { id: 2, kind: 'missing', what: 'row 1 is missing (deleted) before it' } });
    expect(verifyRows([chain[0]!], 2)).toMatchObject({
      ok: false,
      rows: 1,
      broken: { id: 2, kind: 'missing', what: 'row 2 is missing (deleted) at the end of the log' },
    });
    expect(verifyRows([chain[0]!, { ...chain[1]!, hash: null }], 2)).toMatchObject({ ok: false, broken: { id: 2, kind: 'unchained' } });
    expect(verifyRows(chain, 2, { id: 1, hash: VOTE_HASH })).toMatchObject({ ok: false, broken: { id: 1, kind: 'head' } });
    expect(verifyRows([chain[0]!, { ...chain[1]!, detail: '{"quorum":' }], 2)).toMatchObject({ ok: false, broken: { id: 2, kind: 'content' } });
  });
});
