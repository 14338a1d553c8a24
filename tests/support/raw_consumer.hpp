#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace kscope::test {

/// One Kafka record as a plain client sees it.
struct record {
  std::string key;
  std::string value;
  int partition = 0;
  int64_t offset = 0;
};

/// Reads `topic` from the beginning of every partition with a plain
/// librdkafka consumer (no kscope code), until `expected` records arrived
/// or, with expected == 0, until every partition's end is reached. Stops at
/// `timeout` with what it has.
std::vector<record> consume_all(const std::string& brokers,
                                const std::string& topic, size_t expected,
                                std::chrono::milliseconds timeout
                                = std::chrono::seconds{30});

} // namespace kscope::test
