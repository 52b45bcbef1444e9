import { mapKafkaJsError } from './kafkajs/kafkajs-error-mapper';
import { mapRdkafkaError } from './rdkafka/rdkafka-error-mapper';

describe('backend error mapping of a fenced topic', () => {
  it('KafkaJS: MESSAGE_TOO_LARGE asks where the topic went, also when wrapped', () => {
    const broker = { name: 'KafkaJSProtocolError', type: 'MESSAGE_TOO_LARGE', retriable: false };
    expect(mapKafkaJsError(broker, {}).remediation).toBe('reroute');
    const wrapped = { name: 'KafkaJSNonRetriableError', cause: broker };
    expect(mapKafkaJsError(wrapped, {}).remediation).toBe('reroute');
    expect(mapKafkaJsError({ name: 'KafkaJSNonRetriableError' }, {}).remediation).toBe('fail');
  });

  it('node-rdkafka: the code where it has one, the text of a delivery report where it has not', () => {
    expect(mapRdkafkaError({ code: 10, message: 'Broker: Message size too large' }, {}).remediation).toBe(
      'reroute',
    );
    // node-rdkafka builds delivery-report errors from librdkafka's text alone (code -1).
    expect(mapRdkafkaError({ code: -1, message: 'message size too large' }, {}).remediation).toBe('reroute');
    expect(mapRdkafkaError({ code: -1, message: 'something else' }, {}).remediation).toBe('fail');
  });
});
