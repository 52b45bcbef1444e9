import { resolveConfig, type ConfigFs } from './config/config-resolver';
import { describeError } from './errors/error-report';
import { EXIT, exitCodeFor, type ExitCode } from './errors/exit-codes';
import { UsageError } from './errors/cli-errors';
import { parseCommandLine } from './framework/arg-parser';
import type { Clock } from './framework/clock';
import type { CommandModule } from './framework/command';
import { commandsOf } from './framework/command-registry';
import { helpFor } from './framework/help-text';
import { FleetApi } from './http/fleet-api';
import type { HttpTransport } from './http/http-transport';
import { Output, type Sink } from './output/output';
import { colorWanted, createStyle } from './output/style';

/** Everything the CLI touches, injected so the whole run can be exercised in a unit test. */
export interface CliDeps {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homeDir: string;
  readonly stdout: Sink;
  readonly stderr: Sink;
  readonly fs: ConfigFs;
  readonly transport: HttpTransport;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  readonly modules: readonly CommandModule[];
}

/** Parses, resolves config, runs one command and turns any failure into a message and an exit code. */
export async function runCli(deps: CliDeps): Promise<ExitCode> {
  const commands = commandsOf(deps.modules);
  const plainStyle = createStyle(false);
  let out = new Output(deps.stdout, deps.stderr, false, plainStyle);
  let tokenConfigured = false;
  try {
    const parsed = parseCommandLine(deps.argv, commands);
    const { globals } = parsed;
    const style = createStyle(colorWanted(deps.stdout.isTTY === true, deps.env, globals.noColor));
    out = new Output(deps.stdout, deps.stderr, globals.json, style);
    if (parsed.kind === 'help') {
      out.lines(helpFor(parsed.path, deps.modules));
      return EXIT.ok;
    }
    const config = resolveConfig({ flags: globals, env: deps.env, homeDir: deps.homeDir, fs: deps.fs });
    config.warnings.forEach((w) => out.warn(w));
    tokenConfigured = config.token !== undefined;
    const api = new FleetApi({
      url: config.url,
      token: config.token,
      timeoutMs: config.timeoutMs,
      transport: deps.transport,
    });
    const code = await parsed.command.run(
      { api, out, config, signal: deps.signal, clock: deps.clock },
      parsed.args,
    );
    return code ?? EXIT.ok;
  } catch (error) {
    out.error(describeError(error, { tokenConfigured }));
    if (error instanceof UsageError) {
      // Help for the command that was misused; for an unknown command, a pointer (not 40 lines).
      const help = error.commandPath.length
        ? helpFor(error.commandPath, deps.modules)
        : ['Run "fleet --help" for the list of commands.'];
      deps.stderr.write(`\n${help.join('\n')}\n`);
    }
    return exitCodeFor(error);
  }
}
