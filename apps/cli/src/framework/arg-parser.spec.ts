import { UsageError } from '../errors/cli-errors';
import { parseCommandLine } from './arg-parser';
import type { CommandSpec } from './command';

const run = async () => undefined;
const COMMANDS: CommandSpec[] = [
  { path: ['clusters', 'list'], summary: 'list', run },
  {
    path: ['topics', 'onboard'],
    summary: 'onboard',
    positionals: [{ name: 'name', description: 'topic' }],
    options: {
      cluster: { type: 'string', required: true, description: 'cluster' },
      partitions: { type: 'int', required: true, description: 'partitions' },
      'topic-config': { type: 'pairs', description: 'configs' },
      bootstrap: { type: 'strings', description: 'servers' },
      backend: { type: 'string', choices: ['kafkajs', 'rdkafka'], description: 'backend' },
      yes: { type: 'boolean', description: 'confirm' },
    },
    run,
  },
  {
    path: ['resolve'],
    summary: 'resolve',
    positionals: [
      { name: 'app', description: 'app' },
      { name: 'topic', description: 'topic', required: false },
    ],
    run,
  },
];

const parse = (line: string) => parseCommandLine(line.split(' ').filter(Boolean), COMMANDS);

function usage(line: string): UsageError {
  try {
    parse(line);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error(`"${line}" parsed without a usage error`);
}

describe('command line parsing', () => {
  it('finds the command and types every flag', () => {
    const outcome = parse(
      'topics onboard orders --cluster alpha --partitions 12 --topic-config cleanup.policy=compact,delete ' +
        '--topic-config retention.ms=1000 --bootstrap a:1,b:2 --bootstrap c:3 --backend rdkafka --yes',
    );
    if (outcome.kind !== 'run') throw new Error(`expected a command, got ${outcome.kind}`);
    expect(outcome.command.path).toEqual(['topics', 'onboard']);
    const { args } = outcome;
    expect(args.positional('name')).toBe('orders');
    expect(args.requireString('cluster')).toBe('alpha');
    expect(args.int('partitions')).toBe(12);
    // Config values keep their commas; server lists split on them.
    expect(args.pairs('topic-config')).toEqual({
      'cleanup.policy': 'compact,delete',
      'retention.ms': '1000',
    });
    expect(args.strings('bootstrap')).toEqual(['a:1', 'b:2', 'c:3']);
    expect(args.choice('backend', ['kafkajs', 'rdkafka'] as const)).toBe('rdkafka');
    expect(args.flag('yes')).toBe(true);
  });

  it('takes global flags anywhere, including before the command', () => {
    const outcome = parse(
      '--url http://x:1 --json clusters --token t0ken-value list --context prod --timeout-ms 500',
    );
    expect(outcome.kind).toBe('run');
    expect(outcome.globals).toMatchObject({
      url: 'http://x:1',
      token: 't0ken-value',
      context: 'prod',
      json: true,
      timeoutMs: 500,
      noColor: false,
    });
  });

  it('keeps optional positionals optional', () => {
    const outcome = parse('resolve payments');
    if (outcome.kind !== 'run') throw new Error('expected a command');
    expect(outcome.args.positional('app')).toBe('payments');
    expect(outcome.args.optionalPositional('topic')).toBeUndefined();
  });

  it.each([
    ['', []],
    ['--help', []],
    ['topics --help', ['topics']],
    ['topics onboard --help', ['topics', 'onboard']],
    ['help topics onboard', ['topics', 'onboard']],
  ])('"%s" asks for help on %j', (line, path) => {
    const outcome = parse(line);
    expect(outcome).toMatchObject({ kind: 'help', path });
  });

  it.each([
    ['bogus', /unknown command "bogus"/, []],
    ['topics bogus', /unknown command "topics bogus"/, ['topics']],
    ['topics', /needs a subcommand/, ['topics']],
    ['topics onboard orders --partitions 3', /--cluster is required/, ['topics', 'onboard']],
    ['topics onboard --cluster a --partitions 3', /missing <name>/, ['topics', 'onboard']],
    [
      'topics onboard o --cluster a --partitions three',
      /--partitions must be an integer, got "three"/,
      ['topics', 'onboard'],
    ],
    [
      'topics onboard o --cluster a --partitions 1 --backend jvm',
      /--backend must be one of kafkajs, rdkafka/,
      ['topics', 'onboard'],
    ],
    [
      'topics onboard o --cluster a --partitions 1 --topic-config nokey',
      /takes key=value, got "nokey"/,
      ['topics', 'onboard'],
    ],
    [
      'topics onboard o --cluster a --partitions 1 --colour',
      /Unknown option '--colour'/,
      ['topics', 'onboard'],
    ],
    ['topics onboard o p --cluster a --partitions 1', /unexpected argument "p"/, ['topics', 'onboard']],
    ['clusters list --timeout-ms soon', /--timeout-ms must be a positive integer/, ['clusters', 'list']],
    ['clusters list --timeout-ms 0', /--timeout-ms must be a positive integer/, ['clusters', 'list']],
  ])('"%s" is a usage error', (line, message, path) => {
    const error = usage(line);
    expect(error.message).toMatch(message);
    expect(error.commandPath).toEqual(path);
  });
});
