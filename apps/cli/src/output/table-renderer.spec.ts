import { createStyle, colorWanted, sanitize, stripAnsi, visibleWidth } from './style';
import { renderFields, renderTable, type Column } from './table-renderer';

type Row = { id: string; count: number; status: string };
const columns: Column<Row>[] = [
  { header: 'id', value: (r) => r.id },
  { header: 'count', value: (r) => String(r.count), align: 'right' },
  { header: 'status', value: (r) => r.status },
];
const rows: Row[] = [
  { id: 'alpha', count: 3, status: 'active' },
  { id: 'b', count: 1200, status: 'offline' },
];

describe('table rendering', () => {
  it('aligns columns, right-aligns numbers and leaves no trailing spaces', () => {
    expect(renderTable(columns, rows, createStyle(false))).toEqual([
      'ID     COUNT  STATUS',
      'alpha      3  active',
      'b       1200  offline',
    ]);
  });

  it('measures coloured cells by their visible width', () => {
    const style = createStyle(true);
    const colored: Column<Row>[] = [
      { ...columns[2], color: (text) => (text === 'offline' ? style.red(text) : text) },
      columns[0],
    ];
    const lines = renderTable(colored, rows, style);
    expect(lines[2]).toBe('\x1b[31moffline\x1b[39m  b');
    expect(lines.slice(1).map(stripAnsi)).toEqual(['active   alpha', 'offline  b']);
  });

  it('prints the empty message instead of a bare header', () => {
    expect(renderTable(columns, [], createStyle(false), 'no clusters')).toEqual(['no clusters']);
  });

  it('neutralises escape sequences in service data before styling it', () => {
    const evil: Row = { id: 'x\x1b[2J\x1b[31m', count: 1, status: 'line\nbreak' };
    const [, line] = renderTable(columns, [evil], createStyle(false));
    expect(line).not.toContain('\x1b');
    expect(line).not.toContain('\n');
    expect(line).toBe('x?[2J?[31m      1  line?break');
  });

  it('renders aligned key/value fields with optional styling', () => {
    const style = createStyle(true);
    expect(
      renderFields(
        [
          ['id', 'alpha'],
          ['bootstrap', 'a:1,b:2'],
        ],
        createStyle(false),
      ),
    ).toEqual(['id:         alpha', 'bootstrap:  a:1,b:2']);
    expect(renderFields([['state', 'ok', style.green]], createStyle(false))).toEqual([
      'state:  \x1b[32mok\x1b[39m',
    ]);
  });
});

describe('colour decisions', () => {
  it.each([
    [true, {}, false, true],
    [false, {}, false, false],
    [true, { NO_COLOR: '1' }, false, false],
    [true, { NO_COLOR: '' }, false, true],
    [true, {}, true, false],
    [true, { TERM: 'dumb' }, false, false],
  ])('tty=%s env=%j --no-color=%s → %s', (tty, env, flag, expected) => {
    expect(colorWanted(tty, env, flag)).toBe(expected);
  });

  it('a disabled style adds nothing', () => {
    const plain = createStyle(false);
    expect(plain.red('x') + plain.bold('y')).toBe('xy');
    expect(visibleWidth(createStyle(true).red('abc'))).toBe(3);
    expect(sanitize('a\tb\u009bc')).toBe('a?b?c');
  });
});
