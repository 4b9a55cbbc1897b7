/**
 * The group-commit timer: runs `commit` `intervalMs` after the first entry of a batch, then `after`
 * (checkpoints, retention). A failed commit (database down) is retried with back-off up to
 * MAX_RETRY_MS; the entries wait in the journal meanwhile. `flush` joins a commit in progress.
 */

const MAX_RETRY_MS = 5_000;

export class GroupCommit {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private retryMs: number;
  private stopped = false;

  constructor(
    private readonly intervalMs: number,
    private readonly commit: () => Promise<void>,
    private readonly after: () => Promise<void>,
    private readonly report: (err: unknown) => void,
  ) {
    this.retryMs = intervalMs;
  }

  /** Asks for a commit in `delay` ms, unless one is already scheduled. */
  schedule(delay = this.intervalMs): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush().then(
        () => {
          this.retryMs = this.intervalMs;
          return this.after().catch((err: unknown) => this.report(err));
        },
        (err: unknown) => {
          this.report(err);
          this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
          this.schedule(this.retryMs);
        },
      );
    }, delay);
    this.timer.unref();
  }

  /** Commits now (or joins the commit in progress). */
  flush(): Promise<void> {
    this.running ??= this.commit().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Cancels the timer and waits for a commit in progress (its failure is not reported again). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
  }
}
