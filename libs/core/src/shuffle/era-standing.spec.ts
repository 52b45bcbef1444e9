import { eraStanding } from './era-standing';

describe('a group on an earlier era', () => {
  const era = { floor: { '0': '10', '1': '5' }, fence: { '0': '110', '1': '5', '2': '9007199254740993' } };

  it('is behind by what lies between its commits (or the floor) and the fence', () => {
    expect(eraStanding(era, { '0': '60', '2': '9007199254740990' }, false)).toEqual({
      standing: 'behind',
      unread: 53n,
    });
  });

  it('has passed once every partition holding records is committed up to the fence', () => {
    expect(eraStanding(era, { '0': '110', '2': '9007199254740993' }, false)).toEqual({
      standing: 'passed',
      unread: 0n,
    });
  });

  it('never read an era it has no commits on, unless it read the topic before it', () => {
    expect(eraStanding(era, {}, false).standing).toBe('never-read');
    // A group back across two shuffles (A → B → A) has no commits on B yet: it reads all of it.
    expect(eraStanding(era, {}, true)).toEqual({ standing: 'behind', unread: 100n + 9007199254740993n });
  });

  it('starts a partition it never committed on at the floor, not at offset 0', () => {
    expect(eraStanding({ floor: { '0': '100' }, fence: { '0': '100' } }, { '1': '0' }, true).standing).toBe(
      'passed',
    );
  });
});
