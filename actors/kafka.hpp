#pragma once

// RAII over librdkafka's C API: the one place kscope touches a Kafka client's
// configuration and callbacks.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <librdkafka/rdkafka.h>

#include "messages/status.hpp"

namespace kscope {

/// A `key=value` librdkafka property, as given to `-X`.
using kafka_property = std::pair<std::string, std::string>;

/// Splits "key=value" at the first '='. Returns std::nullopt when there is no
/// '=' or the key is empty.
std::optional<kafka_property> split_property(std::string_view text);

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
};

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
/// restarts of that actor so nothing queued is lost.
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
  static void on_log(const rd_kafka_t*, int level, const char* fac,
                     const char* buf);

  /// Hands one message to librdkafka; false when its queue is full.
  bool try_produce(std::string_view key, std::string_view payload,
                   int64_t ts_ms);

  struct queued_message {
    std::string key;
    std::string payload;
    int64_t ts_ms;
  };

  producer_settings cfg_;
  publisher_status counters_;
  std::optional<std::string> fatal_;
  std::deque<queued_message> overflow_;
  // Declared last: destroyed first, while the state its callbacks touch
  // still exists.
  std::unique_ptr<rd_kafka_t, kafka_deleter> rk_;
  std::unique_ptr<rd_kafka_topic_t, kafka_deleter> rkt_;
};

} // namespace kscope
