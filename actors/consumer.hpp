#pragma once

#include <chrono>
#include <memory>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/edges/kafka.hpp"
#include "actors/logic/clock.hpp"
#include "messages/codec.hpp"
#include "messages/interfaces.hpp"
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
  /// While the broker is down: how often to ask whether it is back, and how
  /// long to wait for the answer.
  std::chrono::milliseconds probe_interval{1000};
  int probe_timeout_ms = 300;
  /// While up but nothing arrived for this long: ask the broker for
  /// metadata, waiting up to quiet_probe_timeout_ms; no answer means it is
  /// not answering (stopped, hung), whatever its connections look like.
  std::chrono::milliseconds quiet_probe_interval{5000};
  int quiet_probe_timeout_ms = 2000;
  /// While up and reading: how often to ask for metadata anyway, waiting up
  /// to probe_timeout_ms, so that a broker the cluster stops listing (one of
  /// several stopped or failed) is named in the status.
  std::chrono::milliseconds membership_interval{5000};
};

struct consumer_state {
  static inline const char* name = "kscope.consumer";
  std::shared_ptr<kafka_consumer> kafka;
  consumer_status status;
  consumer_status last_sent;
  std::chrono::steady_clock::time_point next_status;
  std::chrono::steady_clock::time_point next_probe;
  std::chrono::steady_clock::time_point next_membership;
  state_timer state_age;
  /// When the last record arrived (or the broker last answered a probe).
  std::chrono::steady_clock::time_point last_heard
    = std::chrono::steady_clock::now();
};

/// Reads records from Kafka, decodes each payload (seed, json or influx,
/// detected per payload) and sends every valid `sample` to `sink`, its host
/// set to the series it belongs to: the host inside the payload, else the
/// record's key, else the topic. Malformed payloads are counted by kind and
/// reported in `consumer_status` to `sink`; never fatal. While the broker is
/// down it probes for it every probe_interval, so the status says `up` again
/// as soon as it answers, even on a quiet topic. Must run detached:
/// it blocks in librdkafka's poll for up to poll_timeout_ms. Protocol:
/// - `stop_atom`: send a last consumer_status, quit normally.
/// - quits with `errc::kafka_fatal` on an error retrying cannot mend.
consumer_actor::behavior_type
consumer(consumer_actor::stateful_pointer<consumer_state> self,
         std::shared_ptr<kafka_consumer> kafka, consumer_config cfg,
         window_actor sink);

/// Turns one record into samples for the window, appended to `out`; pure,
/// for tests. Returns decode_error::none on success, adding to `*skipped`
/// the lines of measurements kscope does not draw. Series and device names
/// are sanitized (see sanitize_series_name).
decode_error to_samples(const kafka_record& rec, std::vector<sample>& out,
                        uint64_t* skipped = nullptr);

/// to_samples for a record of one sample: the first, and
/// decode_error::missing_field when it held none.
decode_error to_sample(const kafka_record& rec, sample& out);

/// Makes a series name from a payload or a key safe to draw, log and write
/// to CSV: control characters (C0, C1, DEL), format characters that reorder
/// or hide text (bidi overrides and isolates, zero-width characters) and
/// invalid UTF-8 become '?', and it is cut to max_host_size bytes.
void sanitize_series_name(std::string& name);

} // namespace kscope
