/**
 * `/metrics` with several web processes (node:cluster): whichever process a scrape lands on
 * answers with every process's metrics, not its own. It asks the primary, and the primary asks
 * them all with prom-client's AggregatorRegistry (counters and histograms summed; gauges marked
 * with another aggregator, such as the outbox's `max`, aggregated that way).
 */
import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

const REQUEST = 'deepclaw:metrics-request';
const ANSWER = 'deepclaw:metrics-answer';
/** AggregatorRegistry gives up on a silent process after 5 s; answer before a scraper's 10 s. */
const ANSWER_TIMEOUT_MS = 7000;

interface MetricsRequest {
  type: typeof REQUEST;
  id: number;
}
interface MetricsAnswer {
  type: typeof ANSWER;
  id: number;
  text?: string;
  error?: string;
}

/** In the primary: answers each web process's request with the aggregate of all of them. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: Partial<MetricsRequest>) => {
    if (message?.type !== REQUEST || typeof message.id !== 'number') return;
    const id = message.id;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: ANSWER, id, text } satisfies MetricsAnswer),
      (error: Error) => worker.send({ type: ANSWER, id, error: error.message } satisfies MetricsAnswer),
    );
  });
}

/** In a web process: offers `registry` to the primary's aggregation, and returns how to read the aggregate. */
export function clusterMetricsText(registry: Registry): () => Promise<string> {
  // Constructing one is what makes this process answer the primary's requests (prom-client's cluster.js).
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  const waiting = new Map<number, { resolve(text: string): void; reject(error: Error): void }>();
  let nextId = 0;
  process.on('message', (message: Partial<MetricsAnswer>) => {
    if (message?.type !== ANSWER || typeof message.id !== 'number') return;
    const request = waiting.get(message.id);
    if (!request) return;
    waiting.delete(message.id);
    if (message.text !== undefined) request.resolve(message.text);
    else request.reject(new Error(`metrics of the web processes could not be gathered: ${message.error ?? 'no answer'}`));
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`metrics of the web processes were not gathered within ${ANSWER_TIMEOUT_MS} ms`));
      }, ANSWER_TIMEOUT_MS);
      waiting.set(id, {
        resolve: (text) => (clearTimeout(timer), resolve(text)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      process.send!({ type: REQUEST, id } satisfies MetricsRequest);
    });
}
