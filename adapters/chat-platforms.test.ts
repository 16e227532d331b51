import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { loadConfig } from '../bot/config.ts';
import { createLogger } from '../bot/logger.ts';
import { describeStorage } from '../test/support/databases.ts';
import { answerConsoleLine } from './console/commands.ts';
import { createChatPlatforms } from './chat-platforms.ts';

describeStorage('chat platforms', (db) => {
  const logger = createLogger({ level: 'silent', destination: new Writable({ write: (_chunk, _encoding, done) => done() }) });

  it('registers no chat platform without configuration, and answers the console through the command core', async () => {
    const platforms = await createChatPlatforms({ config: loadConfig({}), logger, orm: db().database.orm, agentSha256: async () => undefined });
    expect([...platforms.adapters.keys()]).toEqual([]);
    expect(platforms.webhooks).toEqual([]);
    const console = { run: (text: string) => platforms.answerConsole(text) };
    // The person at the terminal of `npm start` owns the process: an admin of the default workspace.
    const added = await answerConsoleLine('/deepclaw add console-vps --interval 1m', console);
    expect(added).toMatch(/Added console-vps: install its agent[\s\S]*dcs_[0-9A-Za-z]{49}/);
    expect(added).toContain('Instance console-vps added by');
    expect(await answerConsoleLine('/deepclaw status', console)).toContain('⚪ console-vps: never synced, no snapshot yet');
    expect(await answerConsoleLine('/deepclaw frobnicate', console)).toBe('Unknown command\n"frobnicate" is not a DeepClaw command.\nType /deepclaw help for the commands.');
  });
});
