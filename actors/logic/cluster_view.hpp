#pragma once

// What a Kafka client can tell about a cluster beyond its own connections:
// which brokers the cluster lists, which it no longer lists, and which
// partitions cannot take acks=all writes. Plain data in, one line out; the
// librdkafka calls that feed it live in actors/edges/kafka.cpp.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kscope {

/// One broker as a metadata answer lists it.
struct listed_broker {
  int32_t id = -1;
  /// "host:port".
  std::string address;
};

/// One partition as a metadata answer describes it.
struct listed_partition {
  std::string topic;
  int32_t partition = 0;
  /// -1 when it has none.
  int32_t leader = -1;
  int replicas = 0;
  int in_sync = 0;
};

/// One answer of the cluster to a metadata request.
struct cluster_answer {
  std::vector<listed_broker> brokers;
  /// Empty when the request asked for brokers only.
  std::vector<listed_partition> partitions;
  /// min.insync.replicas per topic, when it was asked for and told.
  std::map<std::string, int> min_insync;
  /// "host:port" of the broker that answered.
  std::string from;
};

/// Keeps the client's picture of the cluster and says what is wrong with it.
/// A broker counts as down from the moment a connection to it fails (its
/// librdkafka name, `host:port/id`, starts the error) or the cluster stops
/// listing it (a broker stopped or fenced by the controller), until the
/// cluster lists it again after having dropped it, or it answered itself,
/// or it stayed listed for `settle` after its last failure (longer than
/// Kafka's default broker session timeout of 9 s: a broker that died is
/// dropped from the list by then). Not thread-safe.
class cluster_view {
public:
  using clock = std::chrono::steady_clock;

  explicit cluster_view(std::chrono::seconds settle = std::chrono::seconds{15})
    : settle_(settle) {
  }

  /// librdkafka reported a failed connection; `reason` is its error text.
  /// Ignored unless it names one broker with a node id (not a bootstrap
  /// address).
  void connection_failed(std::string_view reason, clock::time_point now);

  /// The cluster answered a metadata request.
  void answered(const cluster_answer& x, clock::time_point now);

  /// A write to `partition` of `topic` was acknowledged: whatever the last
  /// answer said, it takes writes now.
  void accepted(std::string_view topic, int32_t partition);

  /// A metadata request went unanswered. After `max_misses` in a row,
  /// trouble() is empty until the next answer: the picture is stale, and
  /// the client's own connection state tells more.
  void unanswered() {
    ++misses_;
  }

  /// What is wrong, in one line: partitions that refuse acks=all writes,
  /// brokers the cluster dropped, brokers that could not be reached. Empty
  /// when nothing is, before the first answer, or when the last max_misses
  /// requests went unanswered.
  std::string trouble() const;

  static constexpr int max_misses = 3;

  /// Something is wrong (see trouble()), so it is worth asking again soon.
  bool troubled() const {
    return !trouble().empty();
  }

private:
  struct suspect {
    std::string reason;
    clock::time_point last_failure;
  };

  std::chrono::seconds settle_;
  bool answered_ = false;
  int misses_ = 0;
  /// Every broker ever listed, by id, with its address.
  std::map<int32_t, std::string> known_;
  /// Known brokers missing from the latest answer.
  std::map<int32_t, std::string> dropped_;
  /// Brokers a connection failed to, not yet seen back.
  std::map<int32_t, suspect> suspects_;
  /// A partition that takes no acks=all writes, and why.
  struct refusing {
    std::string topic;
    int32_t partition;
    std::string why;
  };

  /// Partitions of the latest answer that take no acks=all writes.
  std::vector<refusing> refusing_;
  size_t listed_ = 0;
};

} // namespace kscope
