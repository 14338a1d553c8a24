#pragma once

// What the bench sends and when: the same for the actor pipeline and the
// raw librdkafka baseline, so they carry identical messages on an identical
// schedule.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "actors/logic/clock.hpp"
#include "messages/sample.hpp"

namespace kscope::bench {

/// A sample as the sampler would make it on a machine with `cores` cores:
/// values with as many digits as real usage ratios (so JSON and Influx
/// payloads have realistic sizes), `ts_ns` = now.
sample make_sample(const std::string& host, uint64_t seq, size_t cores);

/// When the next messages are due at a fixed rate. Sending is batched to at
/// most one wake-up per `min_period`, so 100 kHz does not need 100 000
/// timers a second.
class pacer {
public:
  using clock = std::chrono::steady_clock;

  /// `rate` messages per second; 0 means as fast as possible.
  pacer(double rate, clock::time_point start,
        std::chrono::microseconds min_period = std::chrono::milliseconds{1});

  /// Messages that should have been sent by `now` (the first is due at
  /// start); unbounded when the rate is 0.
  uint64_t due(clock::time_point now) const noexcept;

  /// When to wake up next after `sent` messages went out.
  clock::time_point next_wakeup(uint64_t sent,
                                clock::time_point now) const noexcept;

  bool flat_out() const noexcept {
    return rate_ <= 0;
  }

private:
  double rate_;
  clock::time_point start_;
  std::chrono::microseconds min_period_;
};

} // namespace kscope::bench
