import { z } from 'zod';

/** Kafka's own topic-name rules (org.apache.kafka.common.internals.Topic#validate). */
export const TOPIC_NAME_MAX_LENGTH = 249;
export const topicName = z
  .string()
  .min(1, 'must not be empty')
  .max(TOPIC_NAME_MAX_LENGTH, `must be at most ${TOPIC_NAME_MAX_LENGTH} characters`)
  .regex(/^[a-zA-Z0-9._-]+$/, 'may contain only ASCII letters, digits, ".", "_" and "-"')
  .refine((name) => name !== '.' && name !== '..', 'must not be "." or ".."');

/** Our own identifiers (clusters, apps, instances): DNS-label-like, safe in URLs, keys and labels. */
export const resourceId = z
  .string()
  .min(1, 'must not be empty')
  .max(63, 'must be at most 63 characters')
  .regex(
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/,
    'must be lower-case letters, digits and "-", not starting or ending with "-"',
  );

const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
const IPV6 = /^\[[0-9a-fA-F:.]+\]$/;

/** One `host:port` entry of a bootstrap list. */
export const bootstrapServer = z.string().refine((entry) => {
  const at = entry.lastIndexOf(':');
  if (at <= 0) return false;
  const host = entry.slice(0, at);
  const port = Number(entry.slice(at + 1));
  return (HOST.test(host) || IPV6.test(host)) && Number.isInteger(port) && port >= 1 && port <= 65535;
}, 'must be host:port with a port from 1 to 65535');

export const bootstrapServers = z
  .array(bootstrapServer)
  .min(1, 'needs at least one broker')
  .max(100, 'at most 100 brokers')
  .refine((list) => new Set(list).size === list.length, 'must not repeat a broker');
