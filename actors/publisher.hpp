#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_clock.hpp>
#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/edges/kafka.hpp"
#include "actors/logic/clock.hpp"
#include "actors/edges/sample_outbox.hpp"
#include "messages/codec.hpp"
#include "messages/interfaces.hpp"
#include "messages/status.hpp"

namespace kscope {

/// How the publisher encodes, and how it paces its polls and reports.
struct publisher_config {
  wire_format format = wire_format::json;
  /// How often delivery reports are served while messages are in flight.
  std::chrono::milliseconds poll_interval{50};
  /// How often the status goes to the sink.
  std::chrono::milliseconds status_interval{1000};
  /// Longest wait for outstanding deliveries on `stop_atom`.
  std::chrono::milliseconds flush_timeout{10000};
  /// Where the sampler leaves samples, if it does (see sample_outbox).
  std::shared_ptr<sample_outbox> outbox;
};

struct publisher_state {
  static inline const char* name = "kscope.publisher";
  std::shared_ptr<kafka_producer> producer;
  /// Encoding buffer, reused for every sample.
  std::string buf;
  bool draining = false;
  /// True while nothing is in flight: the timer then only paces status.
  bool idle = false;
  /// Generation of the live timer; ticks of older generations are stale.
  uint64_t tick_gen = 0;
  caf::actor_clock::time_point drain_deadline;
  caf::actor_clock::time_point next_status;
  publisher_status last_reported;
  state_timer state_age;
};

/// Encodes each `sample` and hands it to `producer`, keyed by host; a
/// payload that would exceed max_payload_size (thousands of cores) goes
/// without its per-core values. Serves
/// delivery reports with zero-timeout polls on a timer, never blocking a
/// scheduler thread. Sends `publisher_status` to `status_sink` every
/// status_interval when it changed. Protocol:
/// - `sample`: publish it; `std::vector<sample>`: publish each, in order.
/// - `outbox_atom`: publish every sample waiting in cfg.outbox; the outbox
///   is also drained at start, so samples left by a dead incarnation go out.
/// - `stop_atom`: wait until everything is delivered or flush_timeout
///   passed, send a final status (final = true), quit normally.
/// - quits with `errc::kafka_fatal` when librdkafka reports a fatal error.
/// `producer` and the outbox outlive this actor, so a restarted publisher
/// loses nothing that librdkafka had queued or the sampler had taken.
publisher_actor::behavior_type
publisher(publisher_actor::stateful_pointer<publisher_state> self,
          std::shared_ptr<kafka_producer> producer, publisher_config cfg,
          publisher_status_sink status_sink);

} // namespace kscope
