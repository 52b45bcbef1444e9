/** Small value formatters shared by the commands' tables. */

export function ago(iso: string, now: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

export const list = (values: readonly (string | number)[], empty = '-'): string =>
  values.length ? values.join(',') : empty;

export const pairs = (record: Readonly<Record<string, string | number | boolean>>, empty = '-'): string => {
  const entries = Object.entries(record);
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(' ') : empty;
};

/** `--override lingerMs=5` arrives as text; the service's guardrails expect typed values. */
export function typedValue(text: string): string | number | boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}
