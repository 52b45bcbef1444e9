import { UnavailableError, clientKey, type Route } from '@kafka-fleet/core';
import type { ResolvedOptions } from '../config/client-options';
import type { BackendName, BackendProducer, KafkaBackend, ProducerSettings } from './backend-port';
import { kafkaJsBackend } from './kafkajs/kafkajs-backend';
import { rdkafkaBackend } from './rdkafka/rdkafka-backend';

export const BACKENDS: Readonly<Record<BackendName, KafkaBackend>> = {
  kafkajs: kafkaJsBackend,
  rdkafka: rdkafkaBackend,
};

/**
 * One producer per backend per physical cluster, shared by every logical topic placed there
 * (PSC's shape), per producer settings: a change of settings (config overrides) gets new clients,
 * and the old ones are closed once nothing uses them. A client whose connection failed is dropped
 * and made again on next use; a client in use is never rebuilt under its other senders.
 */
export class ProducerPool {
  private readonly producers = new Map<string, Promise<BackendProducer>>();
  private closed = false;

  constructor(private readonly options: ResolvedOptions) {}

  get(route: Route, settings: ProducerSettings): Promise<BackendProducer> {
    // A send after disconnect would open a connection nobody closes.
    if (this.closed)
      return Promise.reject(
        new UnavailableError('the fleet client was disconnected', {
          retriable: false,
          context: { topic: route.topic },
        }),
      );
    const key = poolKey(route, settings);
    let producer = this.producers.get(key);
    if (!producer) {
      const created = BACKENDS[route.backend].createProducer(
        {
          clusterId: route.clusterId,
          bootstrapServers: route.bootstrapServers,
          clientId: `${this.options.appId}-${route.backend}`,
        },
        settings,
      );
      producer = created.connect().then(() => created);
      producer.catch(() => this.producers.delete(key));
      this.producers.set(key, producer);
    }
    return producer;
  }

  /** Closes the clients made for other settings than `current` (after every lane moved off them). */
  async retireOthers(current: ProducerSettings): Promise<void> {
    const suffix = `#${JSON.stringify(current)}`;
    const old = [...this.producers].filter(([key]) => !key.endsWith(suffix));
    for (const [key] of old) this.producers.delete(key);
    await Promise.all(old.map(([, p]) => p.then((x) => x.disconnect()).catch(() => undefined)));
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.producers.values()];
    this.producers.clear();
    await Promise.all(all.map((p) => p.then((x) => x.disconnect()).catch(() => undefined)));
  }
}

const poolKey = (route: Route, settings: ProducerSettings): string =>
  `${clientKey(route)}#${JSON.stringify(settings)}`;
