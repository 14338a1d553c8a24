#pragma once

#include <string>

namespace kscope::test {

/// Creates `topic` with `partitions` partitions through librdkafka's Admin
/// API (the real test broker creates no topics on first use). Throws with
/// the broker's reason on failure.
void create_topic(const std::string& brokers, const std::string& topic,
                  int partitions);

/// The partition librdkafka's default partitioner (consistent_random) picks
/// for `key` among `partitions`: how kscope's keyed samples are spread.
int partition_of(const std::string& key, int partitions);

} // namespace kscope::test
