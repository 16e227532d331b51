/** `/deepclaw help [subcommand]`: the commands from the grammar's own table, so they never drift. */
import { list, message, note, text, type Message } from '../messages/message.ts';
import { SUBCOMMANDS, type SubcommandName } from './grammar.ts';

const WHO = { anyone: 'anyone in a linked chat', admin: 'DeepClaw admins', 'platform-admin': 'the chat’s own admins' } as const;

export function helpReply(topic?: SubcommandName): Message {
  if (topic) {
    const spec = SUBCOMMANDS[topic];
    return message(spec.usage, text(spec.summary), note(`Who: ${WHO[spec.permission]}.`));
  }
  const entries = Object.values(SUBCOMMANDS);
  return message(
    'DeepClaw commands',
    list(entries.map((spec) => `${spec.usage} — ${spec.summary}${spec.permission === 'anyone' ? '' : ` (${WHO[spec.permission]})`}`)),
    note('Tokens are only ever sent to the admin who asked, never to the channel.'),
  );
}
