/** The agent's own version, sent as `agent.version` and in the User-Agent. Kept equal to package.json's by a test. */
export const AGENT_VERSION = '0.1.0';
