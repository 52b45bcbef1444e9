import { escapeLength, sanitize, visibleWidth, type Style } from '../output/style';

/** A bar with a `total` shows a fraction; without one it is a plain counter (records swept). */
export interface ProgressBar {
  readonly label: string;
  readonly done: number;
  readonly total?: number;
}

export type Tone = 'normal' | 'good' | 'warn' | 'bad';

export interface StatusField {
  readonly key: string;
  readonly value: string;
  readonly tone?: Tone;
}

/**
 * Everything a long operation shows while it runs: what (title), where it is (phase), how far
 * (bars) and anything else worth a line (fields). Commands map their own state onto this, e.g.
 * a shuffle: phase, producers acknowledged x/y, groups drained x/y, records swept.
 */
export interface LiveStatus {
  readonly title: string;
  readonly phase?: string;
  readonly phaseTone?: Tone;
  readonly elapsedMs?: number;
  readonly bars: readonly ProgressBar[];
  readonly fields: readonly StatusField[];
}

export interface FrameOptions {
  readonly style: Style;
  /** Terminal width; lines never exceed it, so a redraw can count the lines it wrote. */
  readonly width: number;
}

const MIN_BAR = 10;
const MAX_BAR = 40;

const toned = (style: Style, tone: Tone | undefined, text: string): string =>
  tone === 'good'
    ? style.green(text)
    : tone === 'warn'
      ? style.yellow(text)
      : tone === 'bad'
        ? style.red(text)
        : text;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

/** An empty total (no producers to wait for) counts as complete, not as 0 %. */
export const ratio = (bar: ProgressBar): number | undefined =>
  bar.total === undefined ? undefined : bar.total <= 0 ? 1 : Math.min(1, Math.max(0, bar.done / bar.total));

/** The multi-line frame a terminal redraws in place. */
export function renderStatusFrame(status: LiveStatus, { style, width }: FrameOptions): string[] {
  const head = [
    style.bold(sanitize(status.title)),
    status.phase !== undefined ? `phase ${toned(style, status.phaseTone, sanitize(status.phase))}` : '',
    status.elapsedMs !== undefined ? style.dim(seconds(status.elapsedMs)) : '',
  ].filter(Boolean);
  const labelWidth = Math.max(
    0,
    ...status.bars.map((b) => b.label.length),
    ...status.fields.map((f) => f.key.length + 1),
  );
  const countWidth = Math.max(0, ...status.bars.map((b) => counter(b).length));
  const barWidth = Math.max(MIN_BAR, Math.min(MAX_BAR, width - labelWidth - countWidth - 14));
  const lines = [head.join('  ')];
  for (const bar of status.bars) {
    const label = `  ${sanitize(bar.label).padEnd(labelWidth)}  `;
    const share = ratio(bar);
    if (share === undefined) {
      lines.push(`${label}${counter(bar)}`);
      continue;
    }
    const filled = Math.round(share * barWidth);
    const drawn = style.cyan('█'.repeat(filled)) + style.dim('░'.repeat(barWidth - filled));
    const percent = `${Math.floor(share * 100)}%`.padStart(4);
    lines.push(`${label}${drawn}  ${counter(bar).padStart(countWidth)}  ${percent}`);
  }
  for (const field of status.fields) {
    lines.push(
      `  ${style.dim(`${sanitize(field.key)}:`.padEnd(labelWidth))}  ${toned(style, field.tone, sanitize(field.value))}`,
    );
  }
  return lines.map((line) => truncate(line, width));
}

/**
 * One line per update when output is not a terminal (CI logs, pipes): greppable `key=value`
 * pairs, no escape codes, no bars.
 */
export function renderStatusLine(status: LiveStatus): string {
  const parts = [sanitize(status.title)];
  if (status.phase !== undefined) parts.push(`phase=${quoteIfSpaced(sanitize(status.phase))}`);
  for (const bar of status.bars) parts.push(`${slug(bar.label)}=${counter(bar)}`);
  for (const field of status.fields) parts.push(`${slug(field.key)}=${quoteIfSpaced(sanitize(field.value))}`);
  if (status.elapsedMs !== undefined) parts.push(`elapsed=${seconds(status.elapsedMs)}`);
  return parts.join(' ');
}

const counter = (bar: ProgressBar): string =>
  bar.total === undefined ? `${bar.done}` : `${bar.done}/${bar.total}`;
const slug = (label: string): string => sanitize(label).trim().replace(/\s+/g, '_');
const quoteIfSpaced = (value: string): string => (/\s/.test(value) ? JSON.stringify(value) : value);

/** Cuts to `width` visible columns, keeping escape sequences intact and closing them. */
export function truncate(line: string, width: number): string {
  if (visibleWidth(line) <= width) return line;
  let out = '';
  let shown = 0;
  for (let i = 0; i < line.length && shown < width - 1;) {
    const escape = escapeLength(line.slice(i));
    if (escape) {
      out += line.slice(i, i + escape);
      i += escape;
      continue;
    }
    out += line[i];
    shown += 1;
    i += 1;
  }
  return `${out}${line.includes('\x1b[') ? '\x1b[0m' : ''}…`;
}
