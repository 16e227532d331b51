/**
 * Muting: an instance, or a whole workspace (`all`), sends no alerts until a time. Events still
 * open and resolve while muted; only their notifications are held back (a mute is about noise,
 * not about what is true). Unmuting does not replay what was held back.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../actor.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { findInstance } from '../instances/instances.ts';
import type { Workspace } from '../storage/entities/index.ts';

/** `target` is an instance name, or `all` for the whole workspace; `until` null unmutes. */
export async function setMute(
  em: EntityManager,
  input: { workspace: Workspace; target: string; until: Date | null; actor: Actor; now?: Date },
): Promise<{ target: string; until: Date | null }> {
  const now = input.now ?? new Date();
  return em.transactional(async (tx) => {
    if (input.target === 'all') {
      await tx.execute('update workspace set muted_until = ? where id = ?', [input.until, input.workspace.id]);
      recordAudit(tx, {
        action: input.until ? 'workspace.muted' : 'workspace.unmuted',
        actor: input.actor,
        workspace: input.workspace,
        subject: input.workspace.name,
        details: { until: input.until?.toISOString() ?? null },
        at: now,
      });
    } else {
      const instance = await findInstance(tx, input.workspace, input.target);
      await tx.execute('update instance set muted_until = ? where id = ?', [input.until, instance.id]);
      recordAudit(tx, {
        action: input.until ? 'instance.muted' : 'instance.unmuted',
        actor: input.actor,
        workspace: input.workspace,
        instance,
        details: { until: input.until?.toISOString() ?? null },
        at: now,
      });
    }
    return { target: input.target, until: input.until };
  });
}
