import type * as RdKafka from 'node-rdkafka';
import { KafkaFleetError } from '@kafka-fleet/core';

let loaded: typeof RdKafka | undefined;

/**
 * node-rdkafka is a native module: it is loaded only when an rdkafka backend is first used, so an
 * application that runs KafkaJS only is never broken by a missing or mis-built binary.
 */
export function loadRdkafka(): typeof RdKafka {
  if (loaded) return loaded;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require('node-rdkafka') as typeof RdKafka;
    return loaded;
  } catch (error) {
    throw new KafkaFleetError(
      'BACKEND_ERROR',
      'the rdkafka backend needs the node-rdkafka package, which failed to load',
      {
        cause: error,
        context: { backend: 'rdkafka' },
      },
    );
  }
}
