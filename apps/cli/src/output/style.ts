/** Plain ANSI SGR codes; no colour library needed for six colours. */
export interface Style {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const sgr = (enabled: boolean, open: number, close: number) => (text: string) =>
  enabled && text ? `\x1b[${open}m${text}\x1b[${close}m` : text;

export function createStyle(enabled: boolean): Style {
  return {
    enabled,
    bold: sgr(enabled, 1, 22),
    dim: sgr(enabled, 2, 22),
    red: sgr(enabled, 31, 39),
    green: sgr(enabled, 32, 39),
    yellow: sgr(enabled, 33, 39),
    cyan: sgr(enabled, 36, 39),
  };
}

/** Colour only for a person at a terminal: never into a pipe or file, never against NO_COLOR. */
export function colorWanted(
  isTty: boolean,
  env: Readonly<Record<string, string | undefined>>,
  noColorFlag: boolean,
): boolean {
  // https://no-color.org: present and not empty disables colour.
  const noColorEnv = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return isTty && !noColorFlag && !noColorEnv && env.TERM !== 'dumb';
}

// SGR sequences are control characters by definition: matching them is the point here.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
// eslint-disable-next-line no-control-regex
const ANSI_AT_START = /^\x1b\[[0-9;]*m/;

export const stripAnsi = (text: string): string => text.replace(ANSI, '');
export const visibleWidth = (text: string): number => stripAnsi(text).length;
/** Length of the escape sequence starting `text`, or 0. */
export const escapeLength = (text: string): number => ANSI_AT_START.exec(text)?.[0].length ?? 0;

/**
 * Service data is printed to a terminal: a topic owner or audit detail holding escape sequences
 * could rewrite the screen. Control characters become `?` before any of our own styling is added.
 */
// eslint-disable-next-line no-control-regex
export const sanitize = (text: string): string => text.replace(/[\x00-\x1f\x7f-\x9f]/g, '?');
