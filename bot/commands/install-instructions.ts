/**
 * What a new instance's admin needs on the gateway host, in the order of docs/agent.md: download
 * and check the agent, store the token, run it from cron. Pure; the token is the caller's to keep
 * private (the reply that carries it goes to the requester only).
 */
import { toDurationText } from '../duration.ts';
import { code, note, text, type MessageBlock } from '../messages/message.ts';

export interface InstallFacts {
  publicUrl: string;
  token: string;
  intervalSeconds: number;
  /** The served bundle's SHA-256; unknown when the agent is not built on the server yet. */
  agentSha256?: string;
}

export function installInstructions(facts: InstallFacts): MessageBlock[] {
  const agentUrl = `${facts.publicUrl}/agent/deepclaw-agent.mjs`;
  const minutes = Math.max(1, Math.round(facts.intervalSeconds / 60));
  const schedule = facts.intervalSeconds < 120 || minutes >= 60 ? '* * * * *' : `*/${minutes} * * * *`;
  return [
    text('1. On the gateway host, as the user OpenClaw runs as, download the agent and check it:'),
    code(`curl -fsSLO ${agentUrl}\necho "${facts.agentSha256 ?? '<see ' + agentUrl + '.sha256>'}  deepclaw-agent.mjs" | sha256sum -c -`),
    ...(facts.agentSha256 ? [] : [note('The agent is not built on this DeepClaw server yet; run `npm run build:agent` there, then take the checksum from the .sha256 URL.')]),
    text('2. Store its sync token where only that user can read it (paste, Enter, Ctrl-D):'),
    code('mkdir -p ~/.config/deepclaw && chmod 700 ~/.config/deepclaw\n( umask 077 && cat > ~/.config/deepclaw/token )'),
    code(facts.token, true),
    text(`3. Run it every ${toDurationText(facts.intervalSeconds)} (crontab -e):`),
    code(
      `${schedule} DEEPCLAW_API_URL=${facts.publicUrl} /usr/bin/node $HOME/deepclaw-agent.mjs --interval ${toDurationText(facts.intervalSeconds)} --token-file $HOME/.config/deepclaw/token`,
    ),
    note('Full guide, systemd timer and troubleshooting: docs/agent.md. The token is shown this once; only its hash is kept.'),
  ];
}
