/**
 * The few gateway settings the agent needs from `openclaw.json`: where to probe health and the
 * security posture. The parsed config never leaves this function — only the named, shape-checked
 * fields do — so its secrets (gateway token, provider API keys) cannot reach a snapshot.
 */
import { readFileSync } from 'node:fs';
import { parseJson5 } from './json5.ts';
import { asRecord, safeToken } from './values.ts';

export const DEFAULT_GATEWAY_PORT = 18789;

export interface GatewayConfig {
  /** Whether the file existed and parsed; a missing config is normal on a fresh install. */
  status: 'ok' | 'missing' | 'unreadable';
  port?: number;
  bind?: string;
  authMode?: string;
  tailscaleMode?: string;
  tlsEnabled?: boolean;
  /** Only with `bind: "custom"`: the address the gateway listens on, when it is an IP literal. */
  customBindHost?: string;
  /** Why it was unreadable (no config text in it). */
  problem?: string;
}

export function readGatewayConfig(configPath: string): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(configPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { status: 'missing' };
    return { status: 'unreadable', problem: `cannot read ${configPath} (${code ?? 'error'})` };
  }
  let parsed: unknown;
  try {
    parsed = parseJson5(text);
  } catch (error) {
    return { status: 'unreadable', problem: `${configPath} is not valid JSON5: ${(error as Error).message}` };
  }
  const gateway = asRecord(asRecord(parsed)?.gateway);
  if (!gateway) return { status: 'ok' };
  const config: GatewayConfig = { status: 'ok' };
  const port = gateway.port;
  if (typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536) config.port = port;
  const bind = safeToken(gateway.bind, 64);
  if (bind) config.bind = bind;
  const authMode = safeToken(asRecord(gateway.auth)?.mode, 32);
  if (authMode) config.authMode = authMode;
  const tailscaleMode = safeToken(asRecord(gateway.tailscale)?.mode, 32);
  if (tailscaleMode) config.tailscaleMode = tailscaleMode;
  if (asRecord(gateway.tls)?.enabled === true) config.tlsEnabled = true;
  const customHost = gateway.customBindHost;
  if (bind === 'custom' && typeof customHost === 'string' && isIpLiteral(customHost)) config.customBindHost = customHost;
  return config;
}

/** The port to probe: the environment OpenClaw itself honours first, then the config, then 18789. */
export function gatewayPort(env: NodeJS.ProcessEnv, config: GatewayConfig): number {
  const fromEnv = Number(env.OPENCLAW_GATEWAY_PORT);
  if (Number.isInteger(fromEnv) && fromEnv > 0 && fromEnv < 65536) return fromEnv;
  return config.port ?? DEFAULT_GATEWAY_PORT;
}

function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host) || /^[0-9a-fA-F:]+$/.test(host);
}
