#pragma once

#include <chrono>
#include <memory>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/kafka.hpp"
#include "messages/codec.hpp"
#include "messages/sample.hpp"
#include "messages/status.hpp"

namespace kscope {

/// How the consumer paces itself.
struct consumer_config {
  /// Longest blocking wait in one poll; bounds how late a stop is seen.
  int poll_timeout_ms = 100;
  /// Most records handled per poll before the mailbox gets a turn.
  size_t batch = 1000;
  /// How often a changed consumer_status goes to the sink.
  std::chrono::milliseconds status_interval{250};
};

struct consumer_state {
  static inline const char* name = "kscope.consumer";
  std::shared_ptr<kafka_consumer> kafka;
  consumer_status status;
  consumer_status last_sent;
  std::chrono::steady_clock::time_point next_status;
};

/// Reads records from Kafka, decodes each payload (seed, json or influx,
/// detected per payload) and sends every valid `sample` to `sink`, its host
/// set to the series it belongs to: the host inside the payload, else the
/// record's key, else the topic. Malformed payloads are counted by kind and
/// reported in `consumer_status` to `sink`; never fatal. Must run detached:
/// it blocks in librdkafka's poll for up to poll_timeout_ms. Protocol:
/// - `stop_atom`: quit normally.
/// - quits with `errc::kafka_fatal` on an error retrying cannot mend.
caf::behavior consumer(caf::stateful_actor<consumer_state>* self,
                       std::shared_ptr<kafka_consumer> kafka,
                       consumer_config cfg, caf::actor sink);

/// Turns one record into a sample for the window; pure, for tests. Returns
/// decode_error::none and fills `out` on success.
decode_error to_sample(const kafka_record& rec, sample& out);

} // namespace kscope
