import { createStyle, stripAnsi } from '../output/style';
import { renderStatusFrame, renderStatusLine, truncate, type LiveStatus } from './live-status';
import { createStatusWriter } from './live-status-writer';

const plain = createStyle(false);
const shuffle: LiveStatus = {
  title: 'shuffle payments.orders',
  phase: 'drain-consumers',
  elapsedMs: 12_345,
  bars: [
    { label: 'producers acknowledged', done: 3, total: 4 },
    { label: 'groups drained', done: 0, total: 2 },
    { label: 'records swept', done: 17 },
  ],
  fields: [{ key: 'from', value: 'alpha' }],
};

/** A sink that records what was written. */
function sink(isTTY: boolean, columns?: number) {
  const writes: string[] = [];
  return { writes, isTTY, columns, write: (text: string) => writes.push(text) };
}

describe('live status rendering', () => {
  it('draws a title line, proportional bars, counters and fields', () => {
    expect(renderStatusFrame(shuffle, { style: plain, width: 80 })).toEqual([
      'shuffle payments.orders  phase drain-consumers  12.3s',
      `  producers acknowledged  ${'█'.repeat(30)}${'░'.repeat(10)}  3/4   75%`,
      `  groups drained          ${'░'.repeat(40)}  0/2    0%`,
      '  records swept           17',
      '  from:                   alpha',
    ]);
  });

  it('counts an empty total as complete and clamps overshoot', () => {
    const [, none, over] = renderStatusFrame(
      {
        title: 't',
        bars: [
          { label: 'a', done: 0, total: 0 },
          { label: 'b', done: 7, total: 5 },
        ],
        fields: [],
      },
      { style: plain, width: 60 },
    );
    expect(none).toMatch(/█{10,} {2}0\/0 {2}100%$/);
    expect(over).toMatch(/█{10,} {2}7\/5 {2}100%$/);
  });

  it('never exceeds the terminal width', () => {
    const lines = renderStatusFrame(
      { ...shuffle, title: 'x'.repeat(200) },
      { style: createStyle(true), width: 50 },
    );
    for (const line of lines) expect(stripAnsi(line).length).toBeLessThanOrEqual(50);
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('\x1b[1mabcdef\x1b[22m', 4)).toBe('\x1b[1mabc\x1b[0m…');
  });

  it('renders one greppable line for logs', () => {
    expect(renderStatusLine(shuffle)).toBe(
      'shuffle payments.orders phase=drain-consumers producers_acknowledged=3/4 groups_drained=0/2 ' +
        'records_swept=17 from=alpha elapsed=12.3s',
    );
    expect(
      renderStatusLine({
        title: 't',
        phase: 'waiting for producers',
        bars: [],
        fields: [{ key: 'last error', value: 'no leader' }],
      }),
    ).toBe('t phase="waiting for producers" last_error="no leader"');
  });
});

describe('live status writer', () => {
  it('redraws in place on a terminal', () => {
    const out = sink(true, 80);
    const writer = createStatusWriter(out, plain);
    writer.update(shuffle);
    writer.update({ ...shuffle, bars: [{ label: 'producers acknowledged', done: 4, total: 4 }] });
    expect(out.writes[0].startsWith('shuffle payments.orders')).toBe(true);
    expect(out.writes[0].split('\n')).toHaveLength(6); // five lines and the final newline
    // Cursor up over the five lines drawn before, clear to the end of the screen, draw again.
    expect(out.writes[1].startsWith('\x1b[5A\r\x1b[0J')).toBe(true);
    expect(out.writes[1]).toContain('4/4  100%');
  });

  it('falls back to 80 columns when a terminal reports none', () => {
    const out = sink(true, 0);
    createStatusWriter(out, plain).update(shuffle);
    expect(out.writes[0]).toContain('3/4   75%');
  });

  it('writes one plain line per changed state elsewhere', () => {
    const out = sink(false);
    const writer = createStatusWriter(out, createStyle(true));
    writer.update(shuffle);
    writer.update({ ...shuffle, elapsedMs: 13_000 }); // only the clock moved: no new line
    writer.update({ ...shuffle, phase: 'complete' });
    writer.finish();
    expect(out.writes).toHaveLength(2);
    expect(out.writes.join('')).not.toContain('\x1b');
    expect(out.writes[1]).toContain('phase=complete');
  });
});
