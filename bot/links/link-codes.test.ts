import { expect, it } from 'vitest';
import { describeStorage } from '../../test/support/databases.ts';
import { ALICE_AT_CLI, BOB_IN_SLACK, minutesAfter, NOON } from '../../test/support/personas.ts';
import { ChatLink } from '../storage/entities/index.ts';
import { createWorkspace, findWorkspace } from '../workspaces/workspaces.ts';
import { createLinkCode, normalizeLinkCode, redeemLinkCode } from './link-codes.ts';

it('reads link codes the way people type them', () => {
  expect(normalizeLinkCode('abcd-efgh')).toBe('ABCDEFGH');
  expect(normalizeLinkCode(' AB CD EF GH ')).toBe('ABCDEFGH');
  expect(normalizeLinkCode('O1IL-0000')).toBe('01110000');
});

describeStorage('link codes', (db) => {
  const em = () => db().database.orm.em.fork();
  const redeem = (code: string, externalId: string, now = NOON) =>
    redeemLinkCode(em(), { code, platform: 'slack', externalId, actor: BOB_IN_SLACK, now });

  it('attaches a chat to the code\'s workspace, once', async () => {
    const workspace = await findWorkspace(em());
    const { code, expiresAt } = await createLinkCode(em(), { workspace, actor: ALICE_AT_CLI, now: NOON });
    expect(expiresAt).toEqual(minutesAfter(NOON, 15));
    const link = await redeem(code.toLowerCase(), 'T-ONCE');
    expect(link.workspace.name).toBe('default');
    await expect(redeem(code, 'T-TWICE')).rejects.toThrow('that link code is unknown, already used or expired');
    expect(await em().count(ChatLink, { externalId: 'T-TWICE' })).toBe(0);
  });

  it('refuses an expired code and links nothing', async () => {
    const workspace = await findWorkspace(em());
    const { code } = await createLinkCode(em(), { workspace, actor: ALICE_AT_CLI, now: NOON });
    await expect(redeem(code, 'T-LATE', minutesAfter(NOON, 15))).rejects.toThrow('codes last 15 minutes');
    expect(await em().count(ChatLink, { externalId: 'T-LATE' })).toBe(0);
  });

  it('lets exactly one of two chats racing for a code win', async () => {
    const workspace = await findWorkspace(em());
    const { code } = await createLinkCode(em(), { workspace, actor: ALICE_AT_CLI, now: NOON });
    const results = await Promise.allSettled([redeem(code, 'T-RACE-1'), redeem(code, 'T-RACE-2')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('moves a chat linked before to the new code\'s workspace', async () => {
    const other = await createWorkspace(em(), 'other-team', ALICE_AT_CLI);
    const first = await createLinkCode(em(), { workspace: await findWorkspace(em()), actor: ALICE_AT_CLI, now: NOON });
    await redeem(first.code, 'T-MOVE');
    const second = await createLinkCode(em(), { workspace: other, actor: ALICE_AT_CLI, now: NOON });
    const moved = await redeem(second.code, 'T-MOVE');
    expect(moved.workspace.name).toBe('other-team');
    expect(await em().count(ChatLink, { externalId: 'T-MOVE' })).toBe(1);
  });
});
