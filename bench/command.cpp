// `kscope bench`: checks the options, shows progress, prints the table.
// The measuring is bench/harness.

#include "bench/command.hpp"

#include <climits>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include <unistd.h>

#include "actors/edges/typed_options.hpp"
#include "bench/harness.hpp"
#include "actors/options.hpp"
#include "messages/errors.hpp"

namespace kscope {

namespace {

/// This program's own path, which runs the embedded broker.
std::string self_binary() {
  char buf[PATH_MAX];
  auto n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string{};
}

/// The parameters as bound, completed with what only this process knows.
bench::bench_params to_params(const bench_options& opts) {
  auto out = opts.params;
  out.broker_binary = self_binary();
  if (out.cores == 0)
    out.cores = std::max(1u, std::thread::hardware_concurrency());
  return out;
}

/// Progress on stderr: a live line on a terminal, else one line per phase.
class progress_display {
public:
  progress_display() : terminal_(isatty(STDERR_FILENO) == 1) {
  }

  void operator()(const bench::bench_progress& p) {
    if (terminal_) {
      std::fprintf(stderr,
                   "\r\033[K%-22s %-9s sent %-10llu received %-10llu %5.1fs",
                   p.label.c_str(), p.stage.c_str(),
                   static_cast<unsigned long long>(p.sent),
                   static_cast<unsigned long long>(p.received), p.elapsed_s);
    } else if (p.label != last_label_) {
      std::fprintf(stderr, "kscope bench: %s\n", p.label.c_str());
    }
    last_label_ = p.label;
  }

  /// Clears the live line (the phases may have drawn it from a child
  /// process, so this object cannot know whether they did).
  void finish() {
    if (terminal_)
      std::fputs("\r\033[K", stderr);
  }

private:
  bool terminal_;
  std::string last_label_;
};

} // namespace

void add_bench_options(CLI::App& cmd, bench_options& opts) {
  using namespace cli;
  auto& p = opts.params;

  typed_list(cmd, "--format", p.formats, parse_wire_format,
             "seed, json or influx", "Wire format(s): seed, json, influx")
    ->delimiter(',')
    ->default_str("json");
  typed_list(cmd, "--rate", p.rates,
             [](const std::string& text) -> std::optional<double> {
               double rate = 0;
               if (!bench::parse_rate(text, rate))
                 return std::nullopt;
               return rate;
             },
             "samples per second (2, 1000, 100k) or max",
             "Samples per second (e.g. 2, 1000, 100k) or max; several run "
             "one after the other")
    ->delimiter(',')
    ->default_str("max");
  cmd.add_option("-n,--count", p.count,
                 "Samples per run (instead of --duration)");
  typed(cmd, "-d,--duration", p.duration,
        [](const std::string& text) {
          auto x = parse_duration(text);
          return x && x->count() > 0 ? x : std::nullopt;
        },
        "a duration like 500ms, 5s or 1m", "Length of each run")
    ->default_str("5s");
  cmd.add_option("-b,--brokers", p.brokers,
                 "A real broker (default: the embedded one)");
  cmd.add_option("--cores", p.cores,
                 "Cores per sample, which sets the payload size (default: "
                 "this machine's)");
  cmd.add_option("--in-flight", p.in_flight,
                 "Most samples sent but not yet received (default: about "
                 "2 MiB worth)");
  cmd.add_flag("--render", p.render,
               "Also render every window snapshot (terminal chart, in "
               "memory)");
  typed(cmd, "--fps", p.fps, number_in<double>(0.2, 240), "0.2..240",
        "Window snapshots per second")
    ->default_str("10");
  typed_list(cmd, "-X", p.properties, split_property, "key=value",
             "librdkafka property key=value for every client of both "
             "pipelines (repeatable)")
    ->type_name("KEY=VALUE");
  cmd.add_option("--json", opts.json,
                 "Also write the results to this JSON file");
}

int run_bench(const bench_options& opts,
              const std::function<bool()>& stop_requested) {
  auto params = to_params(opts);
  if (!opts.json.empty() && !std::ofstream{opts.json, std::ios::app}) {
    error_line("cannot write --json " + opts.json);
    return exit_usage;
  }
  progress_display progress;
  auto report = bench::run_bench(
    params, [&](const bench::bench_progress& p) { progress(p); },
    stop_requested);
  progress.finish();
  bench::print_table(report, std::cout);
  std::cout.flush();
  if (!opts.json.empty()) {
    std::ofstream out{opts.json, std::ios::trunc};
    bench::write_json(report, out);
    if (!out) {
      error_line("cannot write --json " + opts.json);
      return exit_failure;
    }
  }
  if (!report.error.empty()) {
    error_line(report.error);
    return exit_failure;
  }
  if (!report.complete()) {
    error_line("not every sample arrived exactly once (see the table)");
    return exit_failure;
  }
  return exit_ok;
}

} // namespace kscope
