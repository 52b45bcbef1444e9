/** PromQL words that look like metric names but are operators, modifiers or constants. */
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'atan2',
  'inf',
  'nan',
  'start',
  'end',
]);

/**
 * The metric names a PromQL expression reads. Strings, label matchers, ranges and grouping label
 * lists are removed first; what remains that is not a function call, keyword, number or Grafana
 * variable is a metric name. Grafana's `label_values(expr, label)` reads the metrics of `expr`.
 */
export function metricNamesIn(expression: string): string[] {
  const text = expression
    .replace(/label_values\(([^,()]*(?:\([^()]*\))?[^,()]*),\s*\w+\s*\)/g, '($1)')
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const m of text.matchAll(/(?<![\w:.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\w:]|\s*\()/g)) {
    if (!KEYWORDS.has(m[1].toLowerCase())) names.add(m[1]);
  }
  return [...names];
}
