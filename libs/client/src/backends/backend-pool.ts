import { UnavailableError, clientKey, type Route } from '@kafka-fleet/core';
import type { ResolvedOptions } from '../config/client-options';
import type { BackendName, BackendProducer, KafkaBackend } from './backend-port';
import { kafkaJsBackend } from './kafkajs/kafkajs-backend';
import { rdkafkaBackend } from './rdkafka/rdkafka-backend';

export const BACKENDS: Readonly<Record<BackendName, KafkaBackend>> = {
  kafkajs: kafkaJsBackend,
  rdkafka: rdkafkaBackend,
};

/**
 * One producer per backend per physical cluster, shared by every logical topic placed there
 * (PSC's shape). A client that needs a fresh connection is dropped and rebuilt on next use.
 */
export class ProducerPool {
  private readonly producers = new Map<string, Promise<BackendProducer>>();
  private closed = false;

  constructor(private readonly options: ResolvedOptions) {}

  get(route: Route): Promise<BackendProducer> {
    // A send after disconnect would open a connection nobody closes.
    if (this.closed)
      return Promise.reject(
        new UnavailableError('the fleet client was disconnected', {
          retriable: false,
          context: { topic: route.topic },
        }),
      );
    const key = clientKey(route);
    let producer = this.producers.get(key);
    if (!producer) {
      const created = BACKENDS[route.backend].createProducer(
        {
          clusterId: route.clusterId,
          bootstrapServers: route.bootstrapServers,
          clientId: `${this.options.appId}-${route.backend}`,
        },
        {
          lingerMs: this.options.lingerMs,
          requestTimeoutMs: this.options.requestTimeoutMs,
          compression: this.options.compression,
        },
      );
      producer = created.connect().then(() => created);
      producer.catch(() => this.producers.delete(key));
      this.producers.set(key, producer);
    }
    return producer;
  }

  /** Drops the client of this route (after an error that needs a new connection). */
  async rebuild(route: Route): Promise<void> {
    const key = clientKey(route);
    const producer = this.producers.get(key);
    this.producers.delete(key);
    await producer?.then((p) => p.disconnect()).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.producers.values()];
    this.producers.clear();
    await Promise.all(all.map((p) => p.then((x) => x.disconnect()).catch(() => undefined)));
  }
}
