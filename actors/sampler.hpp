#pragma once

#include <atomic>
#include <functional>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_clock.hpp>
#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/logic/system_meter.hpp"
#include "messages/interfaces.hpp"
#include "actors/edges/sample_outbox.hpp"

namespace kscope {

/// Shortest sampling interval: /proc/stat counts in 10 ms ticks, so 50 ms
/// holds 5 ticks per core (20 % steps on one core); shorter intervals are
/// all noise.
constexpr std::chrono::milliseconds min_sampling_interval{50};

/// What the sampler measures and how often.
struct sampler_config {
  std::chrono::milliseconds interval{500};
  /// Folder holding stat, meminfo, net/dev, diskstats and loadavg; tests
  /// use fixture folders.
  std::string proc_root = "/proc";
  /// What to sample (`kscope produce` defaults to every kind but gpu).
  metric_set metrics = metric_set::only(metric_kind::cpu);
  /// Interfaces and disks to sample; empty: the defaults (see
  /// device_filter).
  device_filter interfaces;
  device_filter disks;
  /// Reads the GPUs (NVML when it loaded); unset: none.
  std::function<std::vector<gpu_stats>()> gpus;
  /// Host name stamped on every sample (and used as the Kafka key).
  std::string host;
  /// Stop after this many samples; 0 means never.
  uint64_t count = 0;
  /// When set, samples go into this outbox and `sink` (the publisher) gets
  /// an `outbox_atom`, so no sample dies with a crashed publisher.
  std::shared_ptr<sample_outbox> outbox;
};

/// Sequence numbers of one producer. Shared by every incarnation of its
/// sampler, so a restarted sampler continues where the last one stopped.
struct sample_sequence {
  std::atomic<uint64_t> last{0};
};

struct sampler_state {
  static inline const char* name = "kscope.sampler";
  std::optional<system_meter> meter;
  /// When the next tick is due; ticks are scheduled on absolute times, so
  /// the interval does not drift by the time a tick takes.
  caf::actor_clock::time_point next_tick;
};

/// Samples the kinds of `cfg.metrics` every `cfg.interval`, all at one
/// instant, and sends each `sample` to `sink` (or through cfg.outbox).
/// Protocol:
/// - `stop_atom`: quit normally.
/// - quits normally after `cfg.count` samples (if non-zero);
/// - quits with `errc::sampling_failed` when a /proc file it reads cannot be
///   read or parsed.
sampler_actor::behavior_type
sampler(sampler_actor::stateful_pointer<sampler_state> self,
        sampler_config cfg, std::shared_ptr<sample_sequence> seq,
        publisher_actor sink);

} // namespace kscope
