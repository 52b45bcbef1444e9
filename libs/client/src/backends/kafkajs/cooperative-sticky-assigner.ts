import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';
import { cooperativeAssignment } from '@kafka-fleet/core';
import { decodeSubscription, encodeSubscription } from './consumer-protocol';

/**
 * librdkafka's `cooperative-sticky` protocol spoken by KafkaJS, so a group whose members run
 * different backends (an app half-way through a backend swap, two apps sharing a group) has one
 * protocol in common and every member gets partitions. Without it the coordinator admits only
 * the members of one protocol: in a group with one member of each, the KafkaJS member took all
 * 6 partitions and the rdkafka member waited in `rebalancing` for ever.
 *
 * KafkaJS stays eager: it gives up every partition before it rejoins, so it truthfully claims to
 * own none, and the cooperative leader (librdkafka's, or ours: `cooperativeAssignment`) may hand
 * its partitions on at once. It is offered after RoundRobin, so groups of KafkaJS members alone
 * (and every group running an older client) keep RoundRobin: the coordinator picks the first
 * protocol all members share, by the members' preference.
 */
export const cooperativeStickyAssigner: PartitionAssigner = ({ cluster }) => ({
  name: 'cooperative-sticky',
  version: 1,
  async assign({ members, topics }) {
    const counts = new Map(topics.map((t) => [t, cluster.findTopicPartitionMetadata(t).length]));
    const assignment = cooperativeAssignment(
      members.map((m) => decodeSubscription(m.memberId, m.memberMetadata)),
      counts,
    );
    return members.map(({ memberId }) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({
        version: 1,
        assignment: Object.fromEntries(assignment.get(memberId) ?? []),
        userData: Buffer.alloc(0),
      }),
    }));
  },
  protocol({ topics }) {
    return { name: 'cooperative-sticky', metadata: encodeSubscription(topics) };
  },
});
