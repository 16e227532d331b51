/**
 * The sync token, from `--token-file` or `DEEPCLAW_SYNC_TOKEN`, checked for shape and checksum
 * before anything touches the network: a truncated paste or a mistyped character is caught here
 * with a clear message instead of a 401. The token itself never appears in any message.
 */
import { readFileSync, statSync } from 'node:fs';
import { checkSyncTokenFormat, SYNC_TOKEN_LENGTH } from '../bot/tokens/sync-token-format.ts';
import { AgentError } from './agent-error.ts';
import { EXIT } from './exit-codes.ts';

const HOW_TO_GET_ONE = 'get one with `deepclaw instance add <name>` or `/deepclaw rotate-token <instance>`';

export function resolveSyncToken(options: { tokenFile?: string; env: NodeJS.ProcessEnv }): string {
  const { token, source } = options.tokenFile
    ? { token: readTokenFile(options.tokenFile), source: options.tokenFile }
    : { token: options.env.DEEPCLAW_SYNC_TOKEN?.trim() ?? '', source: 'DEEPCLAW_SYNC_TOKEN' };
  if (!token) {
    throw new AgentError(
      'token_missing',
      options.tokenFile ? `${source} is empty; put the sync token in it (${HOW_TO_GET_ONE})` : `no sync token: set DEEPCLAW_SYNC_TOKEN or pass --token-file <path> (${HOW_TO_GET_ONE})`,
      EXIT.token,
    );
  }
  const format = checkSyncTokenFormat(token);
  if (format === 'malformed') {
    throw new AgentError(
      'token_malformed',
      `the token in ${source} is not a DeepClaw sync token (expected dcs_ and ${SYNC_TOKEN_LENGTH - 4} letters and digits, ${token.length === SYNC_TOKEN_LENGTH ? 'with an unexpected character' : `got ${token.length} characters in all`}); copy it again`,
      EXIT.token,
    );
  }
  if (format === 'bad_checksum') {
    throw new AgentError('token_bad_checksum', `the token in ${source} fails its checksum: a character was mistyped or changed; copy it again`, EXIT.token);
  }
  return token;
}

function readTokenFile(path: string): string {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (error) {
    throw new AgentError('token_file_unreadable', `cannot read the token file ${path} (${(error as NodeJS.ErrnoException).code})`, EXIT.token);
  }
  if (mode & 0o004) {
    throw new AgentError('token_file_world_readable', `the token file ${path} is readable by every user on this machine; run: chmod 600 ${path}`, EXIT.token);
  }
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new AgentError('token_file_unreadable', `cannot read the token file ${path} (${(error as NodeJS.ErrnoException).code})`, EXIT.token);
  }
}
