import { fencedConfigs, isWriteFenced, offsetsSettled, WRITE_FENCE_CONFIG } from './write-fence';

describe('write fence', () => {
  it('keeps every other dynamic config when it adds the fence (AlterConfigs replaces the set)', () => {
    expect(fencedConfigs({ 'retention.ms': '3600000', 'max.message.bytes': '1048588' })).toEqual({
      'retention.ms': '3600000',
      ...WRITE_FENCE_CONFIG,
    });
  });

  it('knows a fenced topic from one that is not', () => {
    expect(isWriteFenced(fencedConfigs({}))).toBe(true);
    expect(isWriteFenced({ 'max.message.bytes': '1048588' })).toBe(false);
    expect(isWriteFenced({})).toBe(false);
  });

  it('takes the fence only after two equal readings of the end offsets', () => {
    expect(offsetsSettled(undefined, { '0': '5' })).toBe(false);
    expect(offsetsSettled({ '0': '5', '1': '3' }, { '0': '5', '1': '4' })).toBe(false);
    expect(offsetsSettled({ '0': '5' }, { '0': '5', '1': '0' })).toBe(false);
    expect(offsetsSettled({ '0': '5', '1': '3' }, { '1': '3', '0': '5' })).toBe(true);
  });
});
