/**
 * `/deepclaw threshold set <name> <value|off> [--instance <name>]` and `threshold list`: the admin
 * CLI's thresholds, in chat. A change is announced to the channel (like a mute: the people who
 * get the alerts should know their line moved); the listing goes to the admin who asked.
 */
import { findInstance } from '../instances/instances.ts';
import { formatThresholdValue, listThresholds, setThreshold } from '../events/thresholds.ts';
import { list, message, note, type Reply } from '../messages/message.ts';
import type { HandlerContext } from './command-core.ts';
import type { ParsedCommand } from './grammar.ts';
import { toChannel, toRequester } from './replies.ts';

export async function thresholdCommand(context: HandlerContext, command: Extract<ParsedCommand, { name: 'threshold' }>): Promise<Reply[]> {
  const { em, workspace, actor, requester, now } = context;
  const instance = command.instance ? await findInstance(em, workspace, command.instance) : undefined;
  const scope = instance ? instance.name : `workspace "${workspace.name}"`;
  if (command.action === 'list') {
    const rows = await listThresholds(em, workspace, instance);
    return [
      toRequester(
        message(
          `Thresholds of ${scope}`,
          list(rows.map((r) => `${r.name}: ${r.instanceValue ?? r.workspaceValue ?? `${r.defaultValue} (default)`} — ${r.meaning}`)),
          note(`Change one with /deepclaw threshold set <name> <value>${instance ? ` --instance ${instance.name}` : ''}.`),
        ),
      ),
    ];
  }
  const stored = await setThreshold(em, { workspace, instance, name: command.threshold, value: command.value, actor, now });
  return [toChannel(message(`🔧 ${requester.displayName} set ${command.threshold} to ${formatThresholdValue(command.threshold, stored)} for ${scope}`, note('It applies from the next evaluation.')))];
}
