import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A scratch copy of a directory tree for tests that break it on purpose. Every edit must find
 * what it replaces, so a test can never pass against a copy it failed to break.
 */
export class BrokenCopy {
  readonly root: string;

  constructor(source: string) {
    this.root = mkdtempSync(join(tmpdir(), 'kf-broken-'));
    cpSync(source, this.root, { recursive: true });
  }

  path(file: string): string {
    return join(this.root, file);
  }

  replace(file: string, from: string | RegExp, to: string): this {
    const text = readFileSync(this.path(file), 'utf8');
    const next = text.replace(from, to);
    if (next === text) throw new Error(`${file}: nothing matched ${String(from)}, the copy is not broken`);
    writeFileSync(this.path(file), next);
    return this;
  }

  write(file: string, content: string): this {
    writeFileSync(this.path(file), content);
    return this;
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
