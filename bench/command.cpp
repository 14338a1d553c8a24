// `kscope bench`: checks the options, shows progress, prints the table.
// The measuring is bench/harness.

#include "bench/command.hpp"

#include <climits>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include <unistd.h>

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

/// Fills `out` from `opts`; false after an error line.
bool to_params(const bench_options& opts, bench::bench_params& out) {
  out.formats.clear();
  for (const auto& name : opts.formats) {
    auto fmt = parse_wire_format(name);
    if (!fmt) {
      error_line("invalid --format '" + name
                 + "': expected seed, json or influx");
      return false;
    }
    out.formats.push_back(*fmt);
  }
  out.rates.clear();
  for (const auto& text : opts.rates) {
    double rate = 0;
    if (!bench::parse_rate(text, rate)) {
      error_line("invalid --rate '" + text
                 + "': expected samples per second (2, 1000, 100k) or max");
      return false;
    }
    out.rates.push_back(rate);
  }
  auto duration = parse_duration(opts.duration);
  if (!duration || duration->count() <= 0) {
    error_line("invalid --duration '" + opts.duration
               + "': expected a duration like 500ms, 5s or 1m");
    return false;
  }
  out.duration = *duration;
  out.count = opts.count;
  out.brokers = opts.brokers;
  out.broker_binary = self_binary();
  out.cores = opts.cores > 0 ? opts.cores
                             : std::max(1u, std::thread::hardware_concurrency());
  out.in_flight = opts.in_flight;
  out.render = opts.render;
  if (!(opts.fps >= 0.2 && opts.fps <= 240)) {
    error_line("invalid --fps: expected 0.2..240");
    return false;
  }
  out.fps = opts.fps;
  for (const auto& x : opts.properties) {
    auto kv = split_property(x);
    if (!kv) {
      error_line("invalid -X '" + x + "': expected key=value");
      return false;
    }
    out.properties.push_back(std::move(*kv));
  }
  return true;
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

int run_bench(const bench_options& opts,
              const std::function<bool()>& stop_requested) {
  bench::bench_params params;
  if (!to_params(opts, params))
    return exit_usage;
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
