import { expect, it } from 'vitest';
import { describeStorage } from '../../test/support/databases.ts';
import { ALICE_AT_CLI, BOB_IN_SLACK, minutesAfter, NOON } from '../../test/support/personas.ts';
import { listAudit } from '../audit/audit-log.ts';
import { addInstance } from '../instances/instances.ts';
import { findWorkspace } from '../workspaces/workspaces.ts';
import { generateSyncToken } from './sync-token-format.ts';
import { checkSyncToken, revokeSyncTokens, rotateSyncToken } from './sync-tokens.ts';

describeStorage('sync tokens', (db) => {
  const em = () => db().database.orm.em.fork();
  let counter = 0;
  async function newInstance() {
    const workspace = await findWorkspace(em());
    const name = `vps-${++counter}`;
    const added = await addInstance(em(), { workspace, name, actor: ALICE_AT_CLI, now: NOON });
    return { workspace, name, token: added.token };
  }

  it('issues a token with the instance that checks out for that instance only', async () => {
    const first = await newInstance();
    const second = await newInstance();
    const check = await checkSyncToken(em(), first.token, NOON);
    expect(check).toMatchObject({ ok: true, instance: { name: first.name } });
    expect(await checkSyncToken(em(), second.token, NOON)).toMatchObject({ ok: true, instance: { name: second.name } });
  });

  it('stores only the hash, never the token', async () => {
    const { token } = await newInstance();
    const rows = await db().database.orm.em.getConnection().execute('select * from sync_token');
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(JSON.stringify(rows)).not.toContain(token.slice(10));
  });

  it('answers unknown for a well-formed token nobody issued, and names bad shapes and checksums', async () => {
    await newInstance();
    expect(await checkSyncToken(em(), generateSyncToken(), NOON)).toEqual({ ok: false, reason: 'unknown' });
    expect(await checkSyncToken(em(), 'dcs_' + 'A'.repeat(49), NOON)).toEqual({ ok: false, reason: 'bad_checksum' });
    expect(await checkSyncToken(em(), 'Bearer nonsense', NOON)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('rotates without grace: the old token fails at once, the new one works', async () => {
    const { workspace, name, token } = await newInstance();
    const rotated = await rotateSyncToken(em(), { workspace, instanceName: name, actor: BOB_IN_SLACK, now: NOON });
    expect(rotated.token).not.toBe(token);
    expect(await checkSyncToken(em(), token, NOON)).toEqual({ ok: false, reason: 'revoked' });
    expect(await checkSyncToken(em(), rotated.token, NOON)).toMatchObject({ ok: true });
    expect(rotated.retired).toEqual([{ visibleId: token.slice(0, 10), worksUntil: NOON }]);
  });

  it('rotates with a grace: the old token works until the grace ends, then fails as expired', async () => {
    const { workspace, name, token } = await newInstance();
    const rotated = await rotateSyncToken(em(), { workspace, instanceName: name, graceSeconds: 15 * 60, actor: ALICE_AT_CLI, now: NOON });
    expect(await checkSyncToken(em(), token, minutesAfter(NOON, 14))).toMatchObject({ ok: true });
    expect(await checkSyncToken(em(), rotated.token, minutesAfter(NOON, 14))).toMatchObject({ ok: true });
    expect(await checkSyncToken(em(), token, minutesAfter(NOON, 15))).toEqual({ ok: false, reason: 'expired' });
    expect(await checkSyncToken(em(), rotated.token, minutesAfter(NOON, 15))).toMatchObject({ ok: true });
  });

  it('keeps the earlier end when a token already in its grace is rotated again', async () => {
    const { workspace, name, token } = await newInstance();
    await rotateSyncToken(em(), { workspace, instanceName: name, graceSeconds: 600, actor: ALICE_AT_CLI, now: NOON });
    await rotateSyncToken(em(), { workspace, instanceName: name, graceSeconds: 3600, actor: ALICE_AT_CLI, now: minutesAfter(NOON, 1) });
    expect(await checkSyncToken(em(), token, minutesAfter(NOON, 10))).toEqual({ ok: false, reason: 'expired' });
  });

  it('revokes every working token at once, including one in its grace', async () => {
    const { workspace, name, token } = await newInstance();
    const rotated = await rotateSyncToken(em(), { workspace, instanceName: name, graceSeconds: 900, actor: ALICE_AT_CLI, now: NOON });
    const revoked = await revokeSyncTokens(em(), { workspace, instanceName: name, actor: BOB_IN_SLACK, now: NOON });
    expect(revoked).toHaveLength(2);
    expect(await checkSyncToken(em(), token, NOON)).toEqual({ ok: false, reason: 'revoked' });
    expect(await checkSyncToken(em(), rotated.token, NOON)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('refuses to revoke when nothing works, and says how to issue a token', async () => {
    const { workspace, name } = await newInstance();
    await revokeSyncTokens(em(), { workspace, instanceName: name, actor: ALICE_AT_CLI, now: NOON });
    await expect(revokeSyncTokens(em(), { workspace, instanceName: name, actor: ALICE_AT_CLI, now: NOON })).rejects.toThrow(
      `"${name}" has no working token to revoke; issue one with: deepclaw token rotate ${name}`,
    );
  });

  it('suggests close names when rotating an unknown instance, and changes nothing', async () => {
    const { workspace, name, token } = await newInstance();
    await expect(rotateSyncToken(em(), { workspace, instanceName: `${name}x`, actor: ALICE_AT_CLI })).rejects.toThrow(`Did you mean "${name}"`);
    expect(await checkSyncToken(em(), token, NOON)).toMatchObject({ ok: true });
  });

  it('leaves exactly one working token when two admins rotate at the same moment', async () => {
    const { workspace, name } = await newInstance();
    const [a, b] = await Promise.all([
      rotateSyncToken(em(), { workspace, instanceName: name, actor: ALICE_AT_CLI, now: NOON }),
      rotateSyncToken(em(), { workspace, instanceName: name, actor: BOB_IN_SLACK, now: NOON }),
    ]);
    const results = await Promise.all([checkSyncToken(em(), a.token, NOON), checkSyncToken(em(), b.token, NOON)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('audits issue, rotation and revocation with who did it and from where, never the token', async () => {
    const { workspace, name, token } = await newInstance();
    const rotated = await rotateSyncToken(em(), { workspace, instanceName: name, graceSeconds: 900, actor: BOB_IN_SLACK, now: NOON });
    await revokeSyncTokens(em(), { workspace, instanceName: name, actor: ALICE_AT_CLI, now: NOON });
    const rows = (await listAudit(em(), { workspace, limit: 100 })).filter((row) => row.subject === name);
    expect(rows.map((row) => [row.action, row.actor, row.origin])).toEqual([
      ['token.revoked', 'cli:alice', 'cli'],
      ['token.rotated', 'slack:U0B0B', 'slack:T0TEAM/C0OPS'],
      ['token.issued', 'cli:alice', 'cli'],
      ['instance.added', 'cli:alice', 'cli'],
    ]);
    expect(rows[1]!.details).toMatchObject({ token: rotated.token.slice(0, 10), retired: [token.slice(0, 10)], graceSeconds: 900 });
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(JSON.stringify(rows)).not.toContain(rotated.token);
  });
});
