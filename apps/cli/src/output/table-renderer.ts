import { sanitize, visibleWidth, type Style } from './style';

export interface Column<R> {
  readonly header: string;
  /** The cell's text from service data; sanitised by the renderer. */
  readonly value: (row: R) => string;
  /** Styling added after sanitising (e.g. a red "yes" for lagging). */
  readonly color?: (text: string, row: R) => string;
  /** @default 'left' */
  readonly align?: 'left' | 'right';
}

/**
 * Aligned columns, two spaces apart, upper-case header; no trailing spaces, so the output diffs
 * and greps cleanly. `empty` is printed instead of a bare header when there are no rows.
 */
export function renderTable<R>(
  columns: readonly Column<R>[],
  rows: readonly R[],
  style: Style,
  empty = '(none)',
): string[] {
  if (rows.length === 0) return [style.dim(empty)];
  const cells = rows.map((row) =>
    columns.map((column) => {
      const text = sanitize(column.value(row));
      return column.color ? column.color(text, row) : text;
    }),
  );
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((row) => visibleWidth(row[i]))),
  );
  const line = (values: readonly string[]) =>
    values
      .map((value, i) => {
        const pad = ' '.repeat(widths[i] - visibleWidth(value));
        if (columns[i].align === 'right') return pad + value;
        return i === values.length - 1 ? value : value + pad;
      })
      .join('  ')
      .trimEnd();
  return [style.bold(line(columns.map((c) => c.header.toUpperCase()))), ...cells.map(line)];
}

/** `key: value` lines with the values aligned, for single resources; an optional third item styles the value. */
export function renderFields(
  fields: ReadonlyArray<readonly [string, string, ((text: string) => string)?]>,
  style: Style,
): string[] {
  const width = Math.max(0, ...fields.map(([key]) => key.length + 1));
  return fields.map(([key, value, color]) => {
    const text = sanitize(value);
    return `${style.dim(`${key}:`.padEnd(width))}  ${color ? color(text) : text}`.trimEnd();
  });
}
