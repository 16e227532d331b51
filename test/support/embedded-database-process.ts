/**
 * A process that serves the embedded database on the thread module named by argv[2], prints
 * `serving <url>` and then keeps running until something ends it.
 */
import { startEmbeddedPostgres } from '../../bot/storage/embedded-postgres.ts';

const database = await startEmbeddedPostgres({ maxConnections: 4, threadModule: new URL(process.argv[2]!, import.meta.url) });
console.log(`serving ${database.url}`);
setInterval(() => {}, 60_000);
