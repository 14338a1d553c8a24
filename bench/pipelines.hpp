#pragma once

// The two pipelines `kscope bench` compares, and what they share: how a
// phase is set up, how its CPU and memory are measured, how the probe's
// counts become a result. Internal to the bench library.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <sys/types.h>

#include "bench/harness.hpp"
#include "bench/probe.hpp"

namespace kscope::bench {

/// Host of the warm-up samples that prove a pipeline is connected end to
/// end before measuring starts (they are not measured).
inline const std::string warmup_host = "kscope-bench-warmup";

/// Host of the measured samples (the Kafka key).
inline const std::string bench_host = "kscope-bench";

/// One phase: one pipeline, one format, one rate, one fresh topic.
struct phase_setup {
  std::string label;
  wire_format format = wire_format::json;
  double rate = 0;
  uint64_t count = 0;
  std::chrono::milliseconds duration{5000};
  std::string brokers;
  std::string topic;
  size_t cores = 2;
  uint64_t in_flight = 20000;
  /// Mean key + value bytes of one message.
  double message_bytes = 0;
  bool render = false;
  double fps = 10;
  std::vector<kafka_property> properties;
  /// Both consumers' fetch.wait.max.ms (consumer_settings::fetch_wait_ms):
  /// embedded_fetch_wait_ms on the embedded broker, as `kscope run` uses.
  int fetch_wait_ms = 100;
  std::chrono::milliseconds drain_timeout{15000};
  /// The embedded broker's process, or -1 for a real broker.
  pid_t broker_pid = -1;
  progress_fn progress;
  stop_fn stop;
};

/// The raw baseline: a plain librdkafka producer thread and consumer thread
/// with kscope's settings, no actors.
phase_result run_raw_phase(const phase_setup& setup);

/// The actor pipeline: synthetic source -> publisher -> Kafka -> consumer
/// (detached) -> window, under the same CAF configuration as the roles.
phase_result run_actor_phase(const phase_setup& setup);

// -- shared by both ----------------------------------------------------------

/// CPU and peak memory of this process (and the embedded broker's CPU)
/// over a phase.
class phase_meter {
public:
  explicit phase_meter(pid_t broker_pid);

  /// Resets the peak resident set (so the phase's own peak is measured).
  void reset_peak();

  /// Starts counting CPU.
  void begin();

  /// Stops counting CPU and reads the peak resident set.
  void end();

  /// Copies the figures into `out`.
  void fill(phase_result& out) const;

private:
  pid_t broker_pid_;
  double user0_ = 0;
  double system0_ = 0;
  double switches0_ = 0;
  double user_ = 0;
  double system_ = 0;
  double switches_ = 0;
  double broker_cpu0_ = 0;
  double broker_cpu_ = -1;
  double peak_rss_mb_ = 0;
};

/// Waits for the pipeline behind `meter` to finish: the source done and
/// every sample received and delivered, or no progress for the drain
/// timeout, or an abort. `side_work(max_wait)` runs the caller's own
/// waiting (e.g. a mailbox) for up to max_wait; `delivered()` counts the
/// measured deliveries and failures so far. Returns false when aborted.
template <class SideWork, class Delivered>
bool wait_for_end(const phase_setup& setup, const probe& meter,
                  SideWork&& side_work, Delivered&& delivered);

/// Fills counts, throughputs and latencies of `out` from the probe.
/// `last_delivery_ns` is the wall-clock time the last delivery report was
/// served.
void summarize(const probe& meter, uint64_t delivered,
               int64_t last_delivery_ns, double message_bytes,
               phase_result& out);

/// Sends a progress report to setup.progress, if any.
void report_progress(const phase_setup& setup, const probe& meter,
                     std::chrono::steady_clock::time_point started,
                     const char* stage);

// -- template implementation -------------------------------------------------

template <class SideWork, class Delivered>
bool wait_for_end(const phase_setup& setup, const probe& meter,
                  SideWork&& side_work, Delivered&& delivered) {
  using clock = std::chrono::steady_clock;
  auto started = clock::now();
  auto last_report = started;
  auto last_change = started;
  uint64_t last_seen = 0;
  for (;;) {
    side_work(std::chrono::milliseconds{10});
    auto now = clock::now();
    auto received = meter.received();
    auto sent = meter.sent();
    bool done = meter.source_done();
    if (done && received >= sent && delivered() >= sent)
      return true;
    if (received != last_seen) {
      last_seen = received;
      last_change = now;
    }
    if (now - last_report >= std::chrono::milliseconds{100}) {
      last_report = now;
      report_progress(setup, meter, started, done ? "draining" : "running");
      if (setup.stop && setup.stop())
        return false;
    }
    // A stalled pipeline (lost messages, a broker gone) ends the phase; what
    // arrived is reported, the rest counts as lost.
    if (now - last_change > setup.drain_timeout)
      return true;
  }
}

} // namespace kscope::bench
