#pragma once

#include <cstdint>
#include <string>

namespace kscope::test {

/// Creates `topic` with `partitions` partitions of `replication_factor`
/// replicas each through librdkafka's Admin API (the real test brokers
/// create no topics on first use). Throws with the broker's reason on
/// failure.
void create_topic(const std::string& brokers, const std::string& topic,
                  int partitions, int replication_factor = 1);

/// The high watermark of one partition (the offset after the last record
/// all in-sync replicas have), or -1 when no broker told within
/// `timeout_ms`.
int64_t end_offset(const std::string& brokers, const std::string& topic,
                   int partition, int timeout_ms = 1000);

/// The partition librdkafka's default partitioner (consistent_random) picks
/// for `key` among `partitions`: how kscope's keyed samples are spread.
int partition_of(const std::string& key, int partitions);

} // namespace kscope::test
