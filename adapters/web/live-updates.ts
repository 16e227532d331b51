/**
 * Live updates for open dashboard pages, by server-sent events: when a snapshot lands or an event
 * changes (the signals ingest and the worker already send), each open page of that workspace is
 * told "changed" and fetches its own view again — scoped by its own session, so the stream itself
 * carries no data. No polling: a quiet fleet sends nothing but a comment every 25 s to keep
 * proxies from closing the connection.
 *
 * Coalesced: a workspace is told at most once per `coalesceMs`, however many snapshots arrive.
 */
import type { ServerResponse } from 'node:http';

export interface LiveStream {
  workspaceId: string;
  stream: ServerResponse;
}

export interface LiveUpdatesOptions {
  /** The workspaces these instances belong to. */
  workspacesOf: (instanceIds: string[]) => Promise<string[]>;
  coalesceMs?: number;
  heartbeatMs?: number;
  onError?: (error: unknown) => void;
}

export class LiveUpdates {
  private readonly streams = new Set<LiveStream>();
  private readonly pending = new Set<string>();
  private everyone = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly heartbeat: NodeJS.Timeout;

  private readonly options: LiveUpdatesOptions;

  constructor(options: LiveUpdatesOptions) {
    this.options = options;
    this.heartbeat = setInterval(() => this.write(() => true, ': keep-alive\n\n'), options.heartbeatMs ?? 25_000);
    this.heartbeat.unref();
  }

  /**
   * A page opened its stream: written straight to the response (not through Koa's body pipe,
   * whose "premature close" would be an error each time a tab closes); it ends when the page goes.
   */
  open(workspaceId: string, stream: ServerResponse): void {
    const entry = { workspaceId, stream };
    this.streams.add(entry);
    stream.on('close', () => this.streams.delete(entry));
    stream.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    // Tells the browser how soon to reconnect after a drop, and flushes the headers at once.
    stream.write('retry: 5000\n\n');
  }

  get openStreams(): number {
    return this.streams.size;
  }

  /** Snapshots of these instances were stored. */
  snapshotsStored(instanceIds: readonly string[]): void {
    this.options
      .workspacesOf([...instanceIds])
      .then((ids) => {
        for (const id of ids) this.pending.add(id);
        this.schedule();
      })
      .catch((error: unknown) => this.options.onError?.(error));
  }

  /** Events changed somewhere (the signal does not say where): every open page looks again. */
  eventsChanged(): void {
    this.everyone = true;
    this.schedule();
  }

  close(): void {
    clearInterval(this.heartbeat);
    clearTimeout(this.timer);
    for (const { stream } of this.streams) stream.end();
    this.streams.clear();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const everyone = this.everyone;
      const workspaces = new Set(this.pending);
      this.everyone = false;
      this.pending.clear();
      this.write((s) => everyone || workspaces.has(s.workspaceId), `event: changed\ndata: ${Date.now()}\n\n`);
    }, this.options.coalesceMs ?? 1000);
    this.timer.unref();
  }

  private write(to: (stream: LiveStream) => boolean, text: string): void {
    for (const entry of this.streams) if (to(entry)) entry.stream.write(text);
  }
}
