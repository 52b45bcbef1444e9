import { createServer } from 'node:http';

/**
 * The baseline for /v1/resolve: a bare Node HTTP server answering a JSON body of the same shape,
 * with no framework, no auth and no Redis. Run as its own process, like the service.
 */
const body = JSON.stringify({
  topic: 'domain-1.topic-1',
  clusterId: 'cluster-7',
  physicalTopic: 'domain-1.topic-1',
  bootstrapServers: ['kafka-7-1.example:9092', 'kafka-7-2.example:9092', 'kafka-7-3.example:9092'],
  epoch: 1,
  partitions: 12,
  state: 'stable',
  version: 26101,
});
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.listen(Number(process.argv[2] ?? 18099), '127.0.0.1', () => process.send?.('ready'));
