import type { Sink } from '../output/output';
import type { Style } from '../output/style';
import { renderStatusFrame, renderStatusLine, type LiveStatus } from './live-status';

export interface StatusWriter {
  update(status: LiveStatus): void;
  /** Leaves the last state on screen (or in the log) and stops drawing. */
  finish(status?: LiveStatus): void;
}

const DEFAULT_WIDTH = 80;

/**
 * On a terminal: redraws the frame in place (cursor up over the previous frame, clear to the end
 * of the screen, draw). Elsewhere: one line per *changed* state, so a log is not flooded by
 * identical polls.
 */
export function createStatusWriter(sink: Sink, style: Style): StatusWriter {
  return sink.isTTY ? new RedrawWriter(sink, style) : new LineWriter(sink);
}

class RedrawWriter implements StatusWriter {
  private drawnLines = 0;

  constructor(
    private readonly sink: Sink,
    private readonly style: Style,
  ) {}

  update(status: LiveStatus): void {
    // A pseudo-terminal without a size (script, some CI runners) reports 0 columns.
    const width = this.sink.columns && this.sink.columns > 0 ? this.sink.columns : DEFAULT_WIDTH;
    const lines = renderStatusFrame(status, { style: this.style, width });
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A\r\x1b[0J` : '';
    this.sink.write(`${up}${lines.join('\n')}\n`);
    this.drawnLines = lines.length;
  }

  finish(status?: LiveStatus): void {
    if (status) this.update(status);
    this.drawnLines = 0;
  }
}

class LineWriter implements StatusWriter {
  private last = '';

  constructor(private readonly sink: Sink) {}

  update(status: LiveStatus): void {
    // Elapsed time changes on every poll; only a change of the state itself earns a new line.
    const state = renderStatusLine({ ...status, elapsedMs: undefined });
    if (state === this.last) return;
    this.last = state;
    this.sink.write(`${renderStatusLine(status)}\n`);
  }

  finish(status?: LiveStatus): void {
    if (status) this.update(status);
  }
}
