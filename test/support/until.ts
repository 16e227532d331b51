/**
 * Waits for something another process or socket does (a gateway connection, a callback arriving),
 * where no clock can be injected: polls every 10 ms and fails naming what it waited for.
 */
export async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
