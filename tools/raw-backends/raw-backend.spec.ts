import { ReadToEnd, chunk } from './raw-backend';

const record = (partition: number, offset: number, value = `${partition}:${offset}`) => ({
  key: 'k',
  value,
  partition,
  offset,
});

describe('ReadToEnd', () => {
  it('is not done when duplicates make up the count but a partition is not read to its end', () => {
    // Partition 0 holds 3 records, one of them a resend of another; partition 1 holds 1.
    const read = new ReadToEnd(
      new Map([
        [0, 3],
        [1, 1],
      ]),
      3,
    );
    read.add(record(0, 0, 'a'));
    read.add(record(0, 1, 'a'));
    read.add(record(0, 2, 'b'));
    expect(read.records).toHaveLength(3);
    expect(read.done).toBe(false);
    expect(read.describe('t')).toBe('3/3 records from t, partitions not read to the end: [1]');
    read.add(record(1, 0, 'c'));
    expect(read.done).toBe(true);
  });

  it('is not done at the end offsets while fewer records than expected arrived', () => {
    const read = new ReadToEnd(new Map([[0, 1]]), 2);
    read.add(record(0, 0));
    expect(read.done).toBe(false);
  });

  it('is done on an empty topic once nothing is expected', () => {
    expect(new ReadToEnd(new Map(), 0).done).toBe(true);
  });
});

describe('chunk', () => {
  it('splits into batches of the given size, the last one shorter', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});
