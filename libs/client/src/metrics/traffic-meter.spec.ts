import { recordBytes, TrafficMeter } from './traffic-meter';

describe('TrafficMeter', () => {
  it('reports bytes per second per topic over the window since the last report', () => {
    let now = 10_000;
    const meter = new TrafficMeter(() => now);
    meter.produced('orders', 3000);
    meter.produced('orders', 1000);
    meter.consumed('orders', 8000);
    meter.consumed('audit', 500);
    now += 2000;
    expect(meter.rates()).toEqual({
      orders: { produceBytesPerSec: 2000, consumeBytesPerSec: 4000 },
      audit: { produceBytesPerSec: 0, consumeBytesPerSec: 250 },
    });
    // A new window: nothing happened in it.
    now += 1000;
    expect(meter.rates()).toEqual({});
  });

  it('repeats the previous rates for a window shorter than the minimum, keeping it open', () => {
    let now = 0;
    const meter = new TrafficMeter(() => now, 1000);
    meter.produced('t', 1000);
    now = 1000;
    const first = meter.rates();
    meter.produced('t', 500);
    now = 1200;
    expect(meter.rates()).toBe(first);
    now = 2000;
    expect(meter.rates()).toEqual({ t: { produceBytesPerSec: 500, consumeBytesPerSec: 0 } });
  });

  it('sizes a record as its key plus its value in bytes', () => {
    expect(recordBytes({ key: 'ké', value: Buffer.alloc(10) })).toBe(13);
    expect(recordBytes({ value: null })).toBe(0);
  });
});
