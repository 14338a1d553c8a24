#pragma once

// RAII over librdkafka's C API: the one place kscope touches a Kafka client's
// configuration and callbacks.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <librdkafka/rdkafka.h>

#include "actors/logic/cluster_view.hpp"
#include "messages/status.hpp"

namespace kscope {

/// A `key=value` librdkafka property, as given to `-X`.
using kafka_property = std::pair<std::string, std::string>;

/// Splits "key=value" at the first '='. Returns std::nullopt when there is no
/// '=' or the key is empty.
std::optional<kafka_property> split_property(std::string_view text);

/// Checks a bootstrap list as `-b` takes it: comma-separated `host[:port]`
/// entries, each optionally with a scheme (`SSL://`), IPv6 hosts in
/// brackets, ports 1..65535. Returns a one-line reason for the first bad
/// entry, std::nullopt when all are good. librdkafka itself would only log
/// a bad entry and wait forever.
std::optional<std::string> check_brokers(std::string_view list);

/// Checks a topic name against Kafka's rule: 1 to 249 of a-z, A-Z, 0-9,
/// '.', '_' and '-', and neither "." nor "..". The reason when it breaks it.
std::optional<std::string> check_topic(std::string_view name);

/// Deleters for librdkafka handles.
struct kafka_deleter {
  void operator()(rd_kafka_conf_t* x) const noexcept {
    rd_kafka_conf_destroy(x);
  }
  void operator()(rd_kafka_t* x) const noexcept {
    rd_kafka_destroy(x);
  }
  void operator()(rd_kafka_topic_t* x) const noexcept {
    rd_kafka_topic_destroy(x);
  }
  void operator()(rd_kafka_queue_t* x) const noexcept {
    rd_kafka_queue_destroy(x);
  }
  void operator()(rd_kafka_event_t* x) const noexcept {
    rd_kafka_event_destroy(x);
  }
  void operator()(const rd_kafka_metadata_t* x) const noexcept {
    rd_kafka_metadata_destroy(x);
  }
  void operator()(rd_kafka_ConfigResource_t* x) const noexcept {
    rd_kafka_ConfigResource_destroy(x);
  }
  void operator()(rd_kafka_AdminOptions_t* x) const noexcept {
    rd_kafka_AdminOptions_destroy(x);
  }
};

/// Asks the cluster for the brokers it lists and, with a `topic`, that
/// topic's partitions; when one of them has fewer replicas in sync than it
/// has replicas, also for the topic's min.insync.replicas. Blocks for up to
/// about twice `timeout_ms`; std::nullopt when no broker answered.
std::optional<cluster_answer> ask_cluster(rd_kafka_t* rk,
                                          rd_kafka_topic_t* topic,
                                          int timeout_ms);

/// A librdkafka configuration whose every property is checked when set.
class kafka_config {
public:
  kafka_config();

  /// Sets one property. Returns a one-line reason when librdkafka refuses
  /// the key or the value, std::nullopt on success.
  std::optional<std::string> set(const std::string& key,
                                 const std::string& value);

  /// Sets properties in order, stopping at the first refusal, whose reason
  /// names the property as `label key=value`.
  std::optional<std::string> set_all(const std::vector<kafka_property>& xs,
                                     const std::string& label = "property");

  /// The raw handle, still owned by this object.
  rd_kafka_conf_t* get() noexcept {
    return conf_.get();
  }

  /// Gives up ownership, e.g. to rd_kafka_new, which takes it on success.
  rd_kafka_conf_t* release() noexcept {
    return conf_.release();
  }

private:
  std::unique_ptr<rd_kafka_conf_t, kafka_deleter> conf_;
};

/// Where and how a producer publishes.
struct producer_settings {
  /// Comma-separated bootstrap servers.
  std::string brokers = "localhost:9092";
  std::string topic = "test-topic";
  /// `-X` pass-through, applied after kscope's defaults so they can override.
  std::vector<kafka_property> properties;
  /// Most messages kept outside librdkafka while its queue is full.
  size_t overflow_limit = 100000;
};

/// An idempotent librdkafka producer (acks=all) with delivery reports
/// counted. Not thread-safe: one actor at a time uses it; it outlives
/// restarts of that actor so nothing queued is lost. Every few seconds (every
/// second while something is wrong) it asks the cluster in the background
/// about its brokers and the topic's partitions (ask_cluster); while the
/// answer shows trouble (a broker dropped, a partition refusing acks=all
/// writes; see cluster_view) the status says `down` with that as the error.
class kafka_producer {
public:
  /// Creates the producer; returns nullptr and sets `err` to a one-line
  /// reason when a property is invalid or librdkafka refuses to start.
  static std::unique_ptr<kafka_producer> make(const producer_settings& cfg,
                                              std::string& err);

  ~kafka_producer();

  kafka_producer(const kafka_producer&) = delete;
  kafka_producer& operator=(const kafka_producer&) = delete;

  /// Queues one message keyed by `key`, with `ts_ms` as its Kafka timestamp.
  /// When librdkafka's queue is full the message waits in a bounded overflow
  /// queue and is retried by poll(); when that is full too, it is dropped and
  /// counted. Never blocks.
  void produce(std::string_view key, std::string_view payload, int64_t ts_ms);

  /// Serves delivery reports and error callbacks, retries the overflow.
  /// Never blocks.
  void poll();

  /// Counters and connection state so far.
  publisher_status status() const;

  /// Messages not yet delivered nor failed (in librdkafka or the overflow).
  size_t pending() const;

  /// Set once librdkafka reported an error that retrying cannot mend.
  const std::optional<std::string>& fatal_error() const noexcept {
    return fatal_;
  }

  const producer_settings& settings() const noexcept {
    return cfg_;
  }

private:
  kafka_producer() = default;

  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg,
                          void* opaque);
  static void on_error(rd_kafka_t* rk, int err, const char* reason,
                       void* opaque);

  /// Hands one message to librdkafka; false when its queue is full.
  bool try_produce(std::string_view key, std::string_view payload,
                   int64_t ts_ms);

  /// Takes a finished answer of the cluster; asks again when it is time.
  void watch_cluster(std::chrono::steady_clock::time_point now);

  struct queued_message {
    std::string key;
    std::string payload;
    int64_t ts_ms;
  };

  producer_settings cfg_;
  publisher_status counters_;
  /// Set by on_delivery, turned into last_answer_ by poll().
  bool answered_ = false;
  /// When the broker last answered a delivery, or the queue last went from
  /// empty to not empty.
  std::chrono::steady_clock::time_point last_answer_
    = std::chrono::steady_clock::now();
  std::optional<std::string> fatal_;
  std::deque<queued_message> overflow_;
  cluster_view cluster_;
  std::chrono::steady_clock::time_point next_ask_;
  // Declared last: destroyed first, while the state its callbacks touch
  // still exists.
  std::unique_ptr<rd_kafka_t, kafka_deleter> rk_;
  std::unique_ptr<rd_kafka_topic_t, kafka_deleter> rkt_;
  /// The question to the cluster in flight, if any; it uses rk_ and rkt_,
  /// so it is declared after them and waited for first.
  std::future<std::optional<cluster_answer>> asking_;
};

/// Where a consumer without a committed offset starts (`-o`).
struct start_offset {
  enum kind_t : uint8_t {
    beginning, ///< The oldest message kept.
    end,       ///< Only messages produced from now on.
    absolute,  ///< `value` is an offset (every partition).
    tail,      ///< The last `value` messages of each partition.
  };
  kind_t kind = end;
  int64_t value = 0;
};

/// Parses "beginning", "end", "<offset>" (>= 0) or "-<N>" (N > 0).
std::optional<start_offset> parse_start_offset(std::string_view text);

/// What and how a consumer reads.
struct consumer_settings {
  std::string brokers = "localhost:9092";
  std::vector<std::string> topics{"test-topic"};
  /// Consumer group; empty means no group: every partition is assigned
  /// directly, so every viewer sees everything and starts fast.
  std::string group;
  start_offset start;
  /// fetch.wait.max.ms: how long the broker may hold a fetch that finds no
  /// data. Apache Kafka answers as soon as data arrives, so there it costs
  /// no latency, only fewer idle requests; librdkafka's mock cluster (the
  /// embedded broker) holds every empty fetch this long even when data
  /// arrives meanwhile, so there it is the chart's delay. -X overrides it.
  int fetch_wait_ms = 100;
  std::vector<kafka_property> properties;
};

/// The fetch wait of a viewer on the embedded broker: short, because the
/// mock cluster answers an empty fetch only after it (see fetch_wait_ms);
/// what the extra idle fetches cost is in bench/RESULTS.md.
constexpr int embedded_fetch_wait_ms = 5;

/// One message as the consumer hands it on: borrowed views, valid during
/// the callback only.
struct kafka_record {
  std::string_view topic;
  std::string_view key;
  std::string_view value;
  int32_t partition = 0;
  int64_t offset = 0;
  /// Kafka timestamp in milliseconds; -1 when absent.
  int64_t timestamp_ms = -1;
};

/// Connection state and errors of a consumer.
struct consumer_health {
  broker_state state = broker_state::connecting;
  std::string last_error;
  /// Partitions assigned so far.
  size_t partitions = 0;
};

/// A librdkafka consumer. Without a group it assigns every partition of its
/// topics directly, retrying until the topics exist; with one it
/// subscribes. Not thread-safe: one actor uses it.
class kafka_consumer {
public:
  /// Creates the consumer; nullptr and `err` on an invalid property or
  /// option combination.
  static std::unique_ptr<kafka_consumer> make(const consumer_settings& cfg,
                                              std::string& err);

  ~kafka_consumer();

  kafka_consumer(const kafka_consumer&) = delete;
  kafka_consumer& operator=(const kafka_consumer&) = delete;

  /// Waits up to `timeout_ms` for messages and hands up to `max` of them to
  /// `on_record`; returns how many. Blocks: call it from a detached actor.
  template <class F>
  size_t poll(int timeout_ms, size_t max, F&& on_record) {
    size_t n = 0;
    if (!assigned_ && !assign()) {
      // Serve error callbacks (authentication, unreachable brokers) even
      // while there is nothing to read yet.
      if (auto* msg = rd_kafka_consumer_poll(rk_.get(), 0)) {
        handle(*msg);
        rd_kafka_message_destroy(msg);
      }
      return 0;
    }
    for (int wait = timeout_ms; n < max; wait = 0) {
      auto* msg = rd_kafka_consumer_poll(rk_.get(), wait);
      if (msg == nullptr)
        break;
      if (handle(*msg)) {
        on_record(record_of(*msg));
        ++n;
      }
      rd_kafka_message_destroy(msg);
    }
    return n;
  }

  /// The client's own connection state, unless the cluster's last answer
  /// shows trouble (a broker dropped or unreachable; see cluster_view):
  /// then `down` with that as the error.
  consumer_health health() const {
    auto result = health_;
    if (auto trouble = cluster_.trouble(); !trouble.empty()) {
      result.state = broker_state::down;
      result.last_error = std::move(trouble);
    }
    return result;
  }

  /// Asks the cluster for metadata, waiting up to `timeout_ms`; an answer
  /// means a broker is reachable again, so the state goes back to up. A
  /// quiet topic sends no messages that would say so. The answer also
  /// lists the brokers the cluster serves with. Blocks.
  bool probe(int timeout_ms);

  /// Marks the broker as not answering (down) with `why`: connections look
  /// open but a request went unanswered. The next record or probe answer
  /// sets it up again.
  void mark_unanswered(std::string why) {
    health_.state = broker_state::down;
    health_.last_error = std::move(why);
  }

  /// Set once librdkafka reported an error that retrying cannot mend.
  const std::optional<std::string>& fatal_error() const noexcept {
    return fatal_;
  }

  const consumer_settings& settings() const noexcept {
    return cfg_;
  }

private:
  kafka_consumer() = default;

  /// Assigns all partitions (no group) or subscribes; false while a topic
  /// has no metadata yet.
  bool assign();

  /// Accounts for errors and EOF events; true for a data message.
  bool handle(const rd_kafka_message_t& msg);

  static kafka_record record_of(const rd_kafka_message_t& msg);

  static void on_error(rd_kafka_t* rk, int err, const char* reason,
                       void* opaque);

  consumer_settings cfg_;
  consumer_health health_;
  cluster_view cluster_;
  std::optional<std::string> fatal_;
  bool assigned_ = false;
  std::chrono::steady_clock::time_point next_assign_try_;
  std::unique_ptr<rd_kafka_t, kafka_deleter> rk_;
};

} // namespace kscope
