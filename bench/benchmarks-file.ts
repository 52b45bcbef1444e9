import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Prints one benchmark's lines and rewrites its section of BENCHMARKS.md (between its markers), leaving the others,
 * so each benchmark command refreshes only its own figures, dated and with the command that made them.
 */
export function writeBenchmarkSection(
  key: string,
  title: string,
  command: string,
  lines: readonly string[],
): void {
  console.log(lines.join('\n'));
  const file = resolve(__dirname, '..', 'BENCHMARKS.md');
  const header =
    '# Benchmarks\n\nEach section is written by the command it names; figures are from one run on the 2-core development machine.\n';
  const current = existsSync(file) ? readFileSync(file, 'utf8') : header;
  const begin = `<!-- bench:${key}:begin -->`;
  const end = `<!-- bench:${key}:end -->`;
  const section = [
    begin,
    `## ${title}`,
    '',
    `Command: \`${command}\` (run on ${new Date().toISOString().slice(0, 10)})`,
    '',
    ...lines,
    end,
  ].join('\n');
  const pattern = new RegExp(`${begin}[\\s\\S]*?${end}`);
  const next = pattern.test(current)
    ? current.replace(pattern, section)
    : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
}
