#pragma once

#include <array>
#include <cstdint>
#include <string>

#include <caf/meta/type_name.hpp>

namespace kscope {

/// Connection state of a Kafka client as its callbacks last reported it.
enum class broker_state : uint8_t {
  connecting, ///< No broker has answered yet.
  up,         ///< The last request or delivery succeeded.
  down,       ///< All brokers are down or unreachable, or, in a cluster, a
              ///< broker dropped out or a partition refuses acks=all writes
              ///< (the error says which); librdkafka retries.
};

/// Returns "connecting", "up" or "down".
const char* to_string(broker_state x);

/// "down", or "down for 12 s" once a state other than "up" has held for
/// 3 s or more: a state shown without its age may be stale news.
std::string to_string(broker_state x, uint64_t age_s);

/// Progress of the publishing side, sent to the status sink on a timer and
/// once more, with `final` set, when the publisher stops.
struct publisher_status {
  /// Samples handed to librdkafka.
  uint64_t sent = 0;
  /// Samples the broker acknowledged (acks=all).
  uint64_t delivered = 0;
  /// Samples whose delivery failed for good.
  uint64_t failed = 0;
  /// Samples dropped before reaching librdkafka (its queue stayed full).
  uint64_t dropped = 0;
  /// Messages librdkafka still holds (in flight or waiting for a broker).
  uint64_t queued = 0;
  broker_state state = broker_state::connecting;
  /// Whole seconds `state` has held.
  uint64_t state_age_s = 0;
  /// Last error reported by librdkafka, empty when none.
  std::string last_error;
  /// With messages queued: milliseconds since the broker last answered a
  /// delivery (or since the oldest of them was queued); 0 otherwise. A
  /// stalled broker keeps its connections but answers nothing.
  uint64_t unanswered_ms = 0;
  /// True on the last status, after the flush on shutdown.
  bool final = false;

  /// Messages wait and the broker has not answered for 3 s or more.
  bool stalled() const {
    return queued > 0 && unanswered_ms >= 3000;
  }
};

inline bool operator==(const publisher_status& x, const publisher_status& y) {
  return x.sent == y.sent && x.delivered == y.delivered && x.failed == y.failed
         && x.dropped == y.dropped && x.queued == y.queued && x.state == y.state
         && x.state_age_s == y.state_age_s
         && x.last_error == y.last_error && x.final == y.final
         && x.unanswered_ms / 1000 == y.unanswered_ms / 1000;
}

inline bool operator!=(const publisher_status& x, const publisher_status& y) {
  return !(x == y);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, publisher_status& x) {
  return f(caf::meta::type_name("publisher_status"), x.sent, x.delivered,
           x.failed, x.dropped, x.queued, x.state, x.state_age_s,
           x.last_error,
           x.unanswered_ms, x.final);
}

/// What the consumer tells the window besides samples: payloads it could
/// not decode, by kind, and its connection state.
struct consumer_status {
  /// Indexed by decode_error (index 0, none, unused); see codec.hpp.
  std::array<uint64_t, 9> malformed{};
  /// Lines of measurements kscope does not draw (Telegraf's docker, ...).
  uint64_t skipped = 0;
  broker_state state = broker_state::connecting;
  /// Whole seconds `state` has held.
  uint64_t state_age_s = 0;
  std::string last_error;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, consumer_status& x) {
  return f(caf::meta::type_name("consumer_status"), x.malformed, x.skipped,
           x.state, x.state_age_s, x.last_error);
}

/// What happened at the renderer's surface, told to its parent.
enum class render_event_kind : uint8_t {
  quit_asked,   ///< q, Escape or the window closed.
  png_saved,    ///< `detail` is the file written.
  png_failed,   ///< `detail` is the one-line reason.
  notice,       ///< `detail` is a line for the log (e.g. a key with no effect).
};

/// One event of the renderer, sent to the actor that reports to the user.
struct render_event {
  render_event_kind kind = render_event_kind::notice;
  std::string detail;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, render_event& x) {
  return f(caf::meta::type_name("render_event"), x.kind, x.detail);
}

} // namespace kscope
