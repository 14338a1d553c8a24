#pragma once

// `kscope bench`: the actor pipeline (synthetic source -> publisher -> Kafka
// -> consumer -> window) measured side by side with a raw librdkafka
// producer and consumer carrying the same messages over the same broker.

#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "actors/edges/kafka.hpp"
#include "messages/codec.hpp"

namespace kscope::bench {

/// Everything one `kscope bench` invocation measures.
struct bench_params {
  /// Formats to run; each is run at every rate.
  std::vector<wire_format> formats{wire_format::json};
  /// Target rates in samples per second; 0 is flat out ("max").
  std::vector<double> rates{0};
  /// Samples per run; 0 means run for `duration` instead.
  uint64_t count = 0;
  std::chrono::milliseconds duration{5000};
  /// A real broker (bootstrap list); empty starts the embedded one.
  std::string brokers;
  /// The kscope binary that runs the embedded broker as a child process
  /// (`kscope broker`), so the broker's CPU and memory are not counted as
  /// the pipeline's. Required when `brokers` is empty.
  std::string broker_binary;
  /// Cores per sample, which sets the size of json and influx payloads.
  size_t cores = 2;
  /// Most samples in flight (sent, not yet received) in either pipeline.
  /// 0 picks about 1 MiB worth of messages, well inside the embedded
  /// broker's retention of ~5 MiB per partition.
  uint64_t in_flight = 0;
  /// Also render every snapshot the window emits (as the terminal chart
  /// would, into memory); off by default.
  bool render = false;
  /// Window snapshots per second, as `kscope view --fps`.
  double fps = 10;
  /// `-X` properties, applied to every client of both pipelines.
  std::vector<kafka_property> properties;
  /// Longest wait for the last samples after the source stopped.
  std::chrono::milliseconds drain_timeout{15000};
};

/// Progress of the phase that is running, for a live display.
struct bench_progress {
  /// e.g. "json 1000/s kscope".
  std::string label;
  uint64_t sent = 0;
  uint64_t received = 0;
  double elapsed_s = 0;
  /// What the phase is doing: "starting", "running", "draining".
  std::string stage;
};

/// Called about 10 times a second from the calling thread.
using progress_fn = std::function<void(const bench_progress&)>;

/// Asked about 10 times a second; true aborts the run.
using stop_fn = std::function<bool()>;

/// Latency from a sample's timestamp to its arrival at the window (or at
/// the raw consumer), in milliseconds; -1 when nothing arrived.
struct latency_summary {
  uint64_t count = 0;
  double p50_ms = -1;
  double p99_ms = -1;
  double p999_ms = -1;
  double max_ms = -1;
  double mean_ms = -1;
};

/// Messages per second and megabytes (10^6 bytes of key + value) per second.
struct throughput {
  double msgs_per_s = 0;
  double mb_per_s = 0;
};

/// One pipeline (raw or kscope) at one format and rate.
struct phase_result {
  /// "raw" or "kscope".
  std::string pipeline;
  uint64_t sent = 0;
  uint64_t delivered = 0;
  /// Failed deliveries plus samples dropped before reaching librdkafka.
  uint64_t failed = 0;
  uint64_t received = 0;
  /// sent - received at the end (after the drain).
  uint64_t lost = 0;
  uint64_t duplicates = 0;
  /// Payloads the consumer could not decode.
  uint64_t malformed = 0;
  /// Key + value bytes of the measured messages.
  uint64_t bytes = 0;
  /// First sample made -> last delivery report served.
  throughput produce;
  /// First sample received -> last sample received.
  throughput consume;
  /// First sample made -> last sample received.
  throughput end_to_end;
  latency_summary latency;
  /// CPU seconds (user + system) of the phase's process (forked for it,
  /// see isolate.hpp) from the first sample to the last, producer and
  /// consumer sides together.
  double cpu_s = 0;
  /// The system (kernel) part of cpu_s.
  double cpu_system_s = 0;
  /// Voluntary and involuntary context switches of this process over the
  /// same span.
  uint64_t context_switches = 0;
  /// CPU seconds of the embedded broker over the same span; -1 for a real
  /// broker (not ours to measure).
  double broker_cpu_s = -1;
  /// Peak resident set of the phase's process, in MB (10^6): the kscope
  /// binary it was forked from (~9 MB) plus what the phase added.
  double peak_rss_mb = 0;
  /// Wall-clock seconds from the first sample made to the last received.
  double wall_s = 0;
  /// Set when the phase could not run (no broker, a Kafka error).
  std::string error;
};

/// kscope / raw of the figures the goals are about.
struct ratio_result {
  double produce = 0;
  double consume = 0;
  double end_to_end = 0;
  /// CPU seconds per message, kscope / raw.
  double cpu_per_msg = 0;
  /// p99 latency, kscope / raw.
  double latency_p99 = 0;
};

/// Both pipelines at one format and rate.
struct run_result {
  wire_format format = wire_format::json;
  /// Target samples per second; 0 = max.
  double rate = 0;
  /// Key + value bytes of one message.
  size_t message_bytes = 0;
  phase_result raw;
  phase_result kscope;
  ratio_result ratio;
};

/// The machine the bench ran on.
struct machine_info {
  unsigned cores = 0;
  std::string cpu_model;
  std::string kernel;
  /// 1-minute load average when the bench started.
  double load_before = 0;
  std::string librdkafka;
};

/// A whole `kscope bench` invocation.
struct bench_report {
  machine_info machine;
  /// "embedded" or the bootstrap list of the real broker.
  std::string broker;
  bench_params params;
  std::vector<run_result> runs;
  /// Set when the run could not complete (no broker, interrupted).
  std::string error;
  /// True when every run delivered and received every sample exactly once.
  bool complete() const;
};

/// Runs every format x rate: for each, the raw baseline, then the actor
/// pipeline, each on a fresh topic. Blocks until done or `stop` says so.
bench_report run_bench(const bench_params& params, const progress_fn& progress,
                       const stop_fn& stop);

/// "max" for 0, else the rate with a unit: "2/s", "1000/s", "100k/s".
std::string rate_label(double rate);

/// Parses a rate: "max", "2", "1000", "1k", "100k", "1.5k"; false when it
/// is none of these or not positive.
bool parse_rate(const std::string& text, double& out);

/// Writes the report as a table of fixed-width columns.
void print_table(const bench_report& report, std::ostream& out);

/// Writes the report as one JSON object.
void write_json(const bench_report& report, std::ostream& out);

/// Reads the machine's core count, CPU model, kernel and load.
machine_info describe_machine();

} // namespace kscope::bench
