import { UsageError } from '../errors/cli-errors';

export type OptionValue = string | boolean | number | string[] | Record<string, string>;

/**
 * A command's parsed positionals and flags, already converted to their declared types by the
 * parser. Getters throw a UsageError naming the flag, so commands never handle raw strings.
 */
export class ParsedArgs {
  constructor(
    readonly commandPath: readonly string[],
    private readonly positionalValues: Readonly<Record<string, string | undefined>>,
    private readonly values: Readonly<Record<string, OptionValue | undefined>>,
  ) {}

  positional(name: string): string {
    const value = this.positionalValues[name];
    if (value === undefined) throw new UsageError(`missing <${name}>`, this.commandPath);
    return value;
  }

  optionalPositional(name: string): string | undefined {
    return this.positionalValues[name];
  }

  has(name: string): boolean {
    return this.values[name] !== undefined;
  }

  string(name: string): string | undefined {
    const value = this.values[name];
    return typeof value === 'string' ? value : undefined;
  }

  requireString(name: string): string {
    const value = this.string(name);
    if (value === undefined) throw new UsageError(`--${name} is required`, this.commandPath);
    return value;
  }

  /** A `string` flag declared with `choices` (the parser checked it), typed as their union. */
  choice<T extends string>(name: string, values: readonly T[]): T | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const found = values.find((v) => v === value);
    if (found === undefined)
      throw new UsageError(`--${name} must be one of ${values.join(', ')}`, this.commandPath);
    return found;
  }

  flag(name: string): boolean {
    return this.values[name] === true;
  }

  int(name: string): number | undefined {
    const value = this.values[name];
    return typeof value === 'number' ? value : undefined;
  }

  requireInt(name: string): number {
    const value = this.int(name);
    if (value === undefined) throw new UsageError(`--${name} is required`, this.commandPath);
    return value;
  }

  strings(name: string): string[] {
    const value = this.values[name];
    return Array.isArray(value) ? value : [];
  }

  pairs(name: string): Record<string, string> {
    const value = this.values[name];
    return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
  }
}
