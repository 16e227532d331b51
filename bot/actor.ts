/**
 * Who asked for an action, and through what. Every audit row records both, so
 * "who rotated my-vps's token, and from where" always has an answer.
 */
export interface Actor {
  /** `cli:alice`, `slack:U123`, `discord:4567`, `telegram:89`, `system`. */
  id: string;
  /** `cli`, `slack:T123/C456`, `ingest`, `scheduler`. */
  origin: string;
}

export const SYSTEM_ACTOR: Actor = { id: 'system', origin: 'system' };
