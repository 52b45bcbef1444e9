import { SseParser } from './sse-parser';

describe('SSE parser', () => {
  it('emits events on the blank line that ends them, skipping keepalive comments', () => {
    const parser = new SseParser();
    const events = parser.push(
      'event: hello\ndata: {"version":3}\n\n: keepalive\n\nid: 4\nevent: change\ndata: {"version":4}\n\n',
    );
    expect(events).toEqual([
      { event: 'hello', data: '{"version":3}', id: undefined },
      { event: 'change', data: '{"version":4}', id: '4' },
    ]);
  });

  it('reassembles events split across chunks anywhere, including inside \\r\\n', () => {
    const text = 'event: change\r\ndata: {"a":1}\r\n\r\nevent: resync\r\ndata: {}\r\n\r\n';
    for (let cut = 1; cut < text.length; cut++) {
      const parser = new SseParser();
      const events = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(events.map((e) => e.event)).toEqual(['change', 'resync']);
    }
  });

  it('joins multi-line data and defaults the event name to message', () => {
    expect(new SseParser().push('data: one\ndata:two\n\n')).toEqual([
      { event: 'message', data: 'one\ntwo', id: undefined },
    ]);
  });
});
