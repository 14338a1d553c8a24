#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include "bench/probe.hpp"
#include "bench/workload.hpp"

namespace kscope::bench {

/// What the synthetic source sends, how fast and for how long.
struct source_config {
  /// Samples per second; 0 sends as fast as the pipeline takes them.
  double rate = 0;
  /// Stop after this many samples; 0 means stop after `duration`.
  uint64_t count = 0;
  std::chrono::milliseconds duration{5000};
  std::string host = "kscope-bench";
  /// Cores per sample (payload size of json and influx).
  size_t cores = 2;
  /// Most samples sent but not yet at the window. The embedded broker keeps
  /// only ~5 MiB per partition, so the source must not run ahead of the
  /// consumer by more than that; at a fixed rate the limit is only reached
  /// when the pipeline cannot keep up, and then the achieved rate shows it.
  uint64_t in_flight = 20000;
  /// Most samples sent in one turn before the mailbox gets a turn.
  size_t batch = 256;
};

struct source_state {
  static inline const char* name = "kscope.bench.source";
  std::optional<pacer> pace;
  pacer::clock::time_point deadline;
  uint64_t sent = 0;
};

/// Stands in for the sampler: sends `sample`s (the sampler's message type,
/// timestamped with the wall clock when made) to `sink` at `cfg.rate` or
/// flat out, counting them in `meter`; quits normally after cfg.count
/// samples or cfg.duration (marking the probe's source done). Protocol:
/// - `start_atom`: begin (the pipeline has warmed up).
/// - `stop_atom`: quit at once (the probe's source is marked done).
caf::behavior synthetic_source(caf::stateful_actor<source_state>* self,
                               source_config cfg,
                               std::shared_ptr<probe> meter, caf::actor sink);

} // namespace kscope::bench
