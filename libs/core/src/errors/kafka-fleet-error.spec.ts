import { KafkaFleetError } from './kafka-fleet-error';

class SampleError extends KafkaFleetError {}

describe('KafkaFleetError', () => {
  it('carries code, retriable, cause and frozen context', () => {
    const cause = new Error('socket closed');
    const error = new SampleError('UNAVAILABLE', 'broker down', {
      retriable: true,
      cause,
      context: { cluster: 'alpha' },
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SampleError');
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.retriable).toBe(true);
    expect(error.cause).toBe(cause);
    expect(error.context).toEqual({ cluster: 'alpha' });
    expect(Object.isFrozen(error.context)).toBe(true);
  });

  it('is not retriable unless said so', () => {
    expect(new KafkaFleetError('INVALID_ARGUMENT', 'bad').retriable).toBe(false);
  });
});
