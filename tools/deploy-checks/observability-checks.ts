import { parse } from 'yaml';
import type { MetricFamily } from './declared-metrics';
import { isObject, type Finding, type K8sObject } from './manifest-render';
import { metricNamesIn } from './promql-names';
import { validateSchema } from './schema-validator';

const SEVERITIES = new Set(['critical', 'warning', 'info']);

interface Rule {
  alert?: string;
  record?: string;
  expr?: string | number;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A PrometheusRule whose expressions only read metrics the code exports, each alert actionable. */
export function checkRules(text: string, families: readonly MetricFamily[]): Finding[] {
  let object: unknown;
  try {
    object = parse(text);
  } catch (error) {
    return [{ where: 'rules', problem: `invalid YAML: ${(error as Error).message}` }];
  }
  if (!isObject(object)) return [{ where: 'rules', problem: 'not a YAML object' }];
  const findings = validateSchema(object as unknown as K8sObject);
  const series = seriesOf(families);
  const seen = new Set<string>();
  const groups =
    (object.spec as { groups?: Array<{ name: string; rules?: Rule[] }> } | undefined)?.groups ?? [];
  for (const group of groups) {
    for (const rule of group.rules ?? []) {
      const name = rule.alert ?? rule.record ?? '(unnamed)';
      const where = `rule ${name}`;
      const add = (problem: string) => findings.push({ where, problem });
      if (seen.has(name)) add('name used twice');
      seen.add(name);
      findings.push(...checkExpression(where, String(rule.expr ?? ''), series));
      if (rule.alert === undefined) continue;
      if (!rule.for) add('no "for": a single bad scrape would page');
      if (!SEVERITIES.has(rule.labels?.severity ?? ''))
        add('severity label is not critical, warning or info');
      if (!rule.annotations?.summary || !rule.annotations.description)
        add('needs summary and description annotations');
    }
  }
  if (seen.size === 0) findings.push({ where: 'rules', problem: 'no rules' });
  return findings;
}

interface Panel {
  id?: number;
  type?: string;
  title?: string;
  datasource?: { uid?: string };
  gridPos?: { x: number; w: number };
  targets?: Array<{ expr?: string; refId?: string }>;
  panels?: Panel[];
}
interface Dashboard {
  uid?: string;
  title?: string;
  panels?: Panel[];
  templating?: { list?: Array<{ name: string; type: string; query?: string | { query?: string } }> };
}

/** A Grafana dashboard whose panels and variables only query metrics the code exports. */
export function checkDashboard(text: string, families: readonly MetricFamily[]): Finding[] {
  let dashboard: Dashboard;
  try {
    dashboard = JSON.parse(text) as Dashboard;
  } catch (error) {
    return [{ where: 'dashboard', problem: `invalid JSON: ${(error as Error).message}` }];
  }
  const findings: Finding[] = [];
  const series = seriesOf(families);
  if (!dashboard.uid || !dashboard.title)
    findings.push({ where: 'dashboard', problem: 'needs uid and title' });
  const variables = dashboard.templating?.list ?? [];
  const defined = new Set(variables.map((v) => v.name));
  for (const variable of variables) {
    const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
    if (variable.type === 'query' && query)
      findings.push(...checkExpression(`variable ${variable.name}`, query, series));
  }
  const ids = new Set<number>();
  for (const panel of panelsOf(dashboard.panels ?? [])) {
    const where = `panel ${panel.id} "${panel.title ?? ''}"`;
    const add = (problem: string) => findings.push({ where, problem });
    if (panel.id === undefined || ids.has(panel.id)) add('missing or duplicate id');
    ids.add(panel.id ?? -1);
    if (panel.gridPos && panel.gridPos.x + panel.gridPos.w > 24) add('wider than the 24-column grid');
    if (panel.type === 'row') continue;
    if (!panel.title) add('no title');
    if (panel.datasource?.uid !== '${datasource}') add('datasource is not the ${datasource} variable');
    if (!panel.targets?.length) add('no query');
    for (const target of panel.targets ?? []) {
      findings.push(...checkExpression(where, target.expr ?? '', series));
      for (const m of (target.expr ?? '').matchAll(/\$\{?(\w+)/g)) {
        if (!m[1].startsWith('__') && !defined.has(m[1])) add(`uses undefined variable $${m[1]}`);
      }
    }
  }
  return findings;
}

/** Our own metric families (not process defaults) that no dashboard panel shows. */
export function familiesMissingFrom(text: string, families: readonly MetricFamily[]): string[] {
  const used = new Set(
    panelsOf((JSON.parse(text) as Dashboard).panels ?? []).flatMap((p) =>
      (p.targets ?? []).flatMap((t) => metricNamesIn(t.expr ?? '')),
    ),
  );
  return families.filter((f) => !f.builtin && !f.series.some((s) => used.has(s))).map((f) => f.name);
}

function checkExpression(where: string, expr: string, series: ReadonlySet<string>): Finding[] {
  if (expr.trim() === '') return [{ where, problem: 'empty expression' }];
  const findings: Finding[] = [];
  if (!balanced(expr)) findings.push({ where, problem: `unbalanced brackets in ${expr}` });
  for (const name of metricNamesIn(expr)) {
    if (!series.has(name)) findings.push({ where, problem: `unknown metric ${name}: no code exports it` });
  }
  return findings;
}

function balanced(expr: string): boolean {
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: string[] = [];
  for (const c of expr.replace(/"(?:[^"\\]|\\.)*"/g, '""')) {
    if ('([{'.includes(c)) stack.push(c);
    else if (pairs[c] && stack.pop() !== pairs[c]) return false;
  }
  return stack.length === 0;
}

const panelsOf = (panels: readonly Panel[]): Panel[] =>
  panels.flatMap((p) => [p, ...panelsOf(p.panels ?? [])]);
const seriesOf = (families: readonly MetricFamily[]) => new Set(families.flatMap((f) => f.series));
