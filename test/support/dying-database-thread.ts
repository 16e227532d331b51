/**
 * The real embedded database thread, which then dies a moment after serving — as it would if
 * WebAssembly Postgres aborted or ran out of memory — for the test of what the process does then.
 */
import '../../bot/storage/embedded-database-thread.ts';

setTimeout(() => process.exit(70), 300);
