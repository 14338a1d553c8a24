#include "bench/harness.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <ostream>
#include <thread>

#include <sys/utsname.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "bench/broker_process.hpp"
#include "bench/isolate.hpp"
#include "bench/pipelines.hpp"
#include "bench/workload.hpp"

namespace kscope::bench {

namespace {

/// Mean key + value bytes of the messages a run sends.
double mean_message_bytes(wire_format format, size_t cores) {
  const uint64_t n = 1000;
  std::string buf;
  double total = 0;
  for (uint64_t seq = 1; seq <= n; ++seq) {
    auto x = make_sample(bench_host, seq, cores);
    buf.clear();
    encode(format, x, buf);
    total += static_cast<double>(buf.size() + x.host.size());
  }
  return total / static_cast<double>(n);
}

double ratio_of(double kscope, double raw) {
  return raw > 0 && kscope >= 0 ? kscope / raw : 0;
}

ratio_result ratios(const phase_result& k, const phase_result& r) {
  ratio_result result;
  result.produce = ratio_of(k.produce.msgs_per_s, r.produce.msgs_per_s);
  result.consume = ratio_of(k.consume.msgs_per_s, r.consume.msgs_per_s);
  result.end_to_end = ratio_of(k.end_to_end.msgs_per_s,
                               r.end_to_end.msgs_per_s);
  if (k.sent > 0 && r.sent > 0)
    result.cpu_per_msg = ratio_of(k.cpu_s / static_cast<double>(k.sent),
                                  r.cpu_s / static_cast<double>(r.sent));
  result.latency_p99 = ratio_of(k.latency.p99_ms, r.latency.p99_ms);
  return result;
}

bool phase_complete(const phase_result& x) {
  return x.error.empty() && x.sent > 0 && x.lost == 0 && x.failed == 0
         && x.duplicates == 0 && x.malformed == 0 && x.received == x.sent
         && x.delivered == x.sent;
}

} // namespace

bool bench_report::complete() const {
  if (!error.empty() || runs.empty())
    return false;
  return std::all_of(runs.begin(), runs.end(), [](const run_result& x) {
    return phase_complete(x.raw) && phase_complete(x.kscope);
  });
}

machine_info describe_machine() {
  machine_info result;
  result.cores = std::thread::hardware_concurrency();
  std::ifstream cpuinfo{"/proc/cpuinfo"};
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos && colon + 2 <= line.size())
        result.cpu_model = line.substr(colon + 2);
      break;
    }
  }
  utsname uts{};
  if (uname(&uts) == 0)
    result.kernel = std::string{uts.sysname} + " " + uts.release;
  std::ifstream{"/proc/loadavg"} >> result.load_before;
  result.librdkafka = rd_kafka_version_str();
  return result;
}

bench_report run_bench(const bench_params& params, const progress_fn& progress,
                       const stop_fn& stop) {
  bench_report report;
  report.machine = describe_machine();
  report.params = params;
  if (params.formats.empty() || params.rates.empty()) {
    report.error = "nothing to run: no format or no rate";
    return report;
  }
  struct planned {
    wire_format format;
    double rate;
    std::string raw_topic;
    std::string kscope_topic;
  };
  std::vector<planned> plan;
  std::vector<std::string> topics;
  // Topics on a real broker outlive us: make their names unique.
  auto prefix = params.brokers.empty()
                  ? std::string{"kscope-bench-"}
                  : "kscope-bench-" + std::to_string(getpid()) + "-";
  for (auto format : params.formats) {
    for (auto rate : params.rates) {
      auto base = prefix + std::to_string(plan.size() + 1) + "-";
      plan.push_back({format, rate, base + "raw", base + "kscope"});
      topics.push_back(plan.back().raw_topic);
      topics.push_back(plan.back().kscope_topic);
    }
  }
  std::unique_ptr<broker_process> embedded;
  std::string brokers = params.brokers;
  std::string err;
  if (brokers.empty()) {
    if (params.broker_binary.empty()) {
      report.error = "no broker: give a real one or the kscope binary that "
                     "runs the embedded one";
      return report;
    }
    embedded = broker_process::start(params.broker_binary, topics, err);
    if (!embedded) {
      report.error = err;
      return report;
    }
    brokers = embedded->bootstrap();
    report.broker = "embedded";
  } else {
    if (!create_topics(brokers, params.properties, topics, err)) {
      report.error = err;
      return report;
    }
    report.broker = brokers;
  }
  for (const auto& p : plan) {
    if (stop && stop()) {
      report.error = "interrupted";
      break;
    }
    run_result run;
    run.format = p.format;
    run.rate = p.rate;
    auto bytes = mean_message_bytes(p.format, params.cores);
    run.message_bytes = static_cast<size_t>(std::lround(bytes));
    phase_setup setup;
    setup.format = p.format;
    setup.rate = p.rate;
    setup.count = params.count;
    setup.duration = params.duration;
    setup.brokers = brokers;
    setup.cores = params.cores;
    setup.in_flight = params.in_flight;
    if (setup.in_flight == 0)
      setup.in_flight = std::clamp<uint64_t>(
        static_cast<uint64_t>(2.0 * 1024 * 1024 / bytes), 1000, 50000);
    setup.message_bytes = bytes;
    setup.render = params.render;
    setup.fps = params.fps;
    setup.properties = params.properties;
    setup.drain_timeout = params.drain_timeout;
    setup.broker_pid = embedded ? embedded->pid() : -1;
    if (embedded)
      setup.fetch_wait_ms = embedded_fetch_wait_ms;
    setup.progress = progress;
    setup.stop = stop;
    auto label = std::string{to_string(p.format)} + " " + rate_label(p.rate);
    setup.topic = p.raw_topic;
    setup.label = label + " raw";
    run.raw = run_isolated([&] { return run_raw_phase(setup); });
    setup.topic = p.kscope_topic;
    setup.label = label + " kscope";
    if (!(stop && stop()))
      run.kscope = run_isolated([&] { return run_actor_phase(setup); });
    else
      run.kscope.pipeline = "kscope";
    run.ratio = ratios(run.kscope, run.raw);
    report.runs.push_back(std::move(run));
  }
  if (!params.brokers.empty())
    delete_topics(brokers, params.properties, topics);
  return report;
}

std::string rate_label(double rate) {
  if (rate <= 0)
    return "max";
  char buf[32];
  if (rate >= 1000 && std::fmod(rate, 1000) == 0)
    std::snprintf(buf, sizeof(buf), "%.0fk/s", rate / 1000);
  else
    std::snprintf(buf, sizeof(buf), "%g/s", rate);
  return buf;
}

bool parse_rate(const std::string& text, double& out) {
  if (text == "max") {
    out = 0;
    return true;
  }
  auto body = text;
  double scale = 1;
  if (!body.empty() && (body.back() == 'k' || body.back() == 'K')) {
    scale = 1000;
    body.pop_back();
  }
  if (body.empty())
    return false;
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(body, &used);
  } catch (...) {
    return false;
  }
  if (used != body.size() || !std::isfinite(value) || value <= 0)
    return false;
  out = value * scale;
  return true;
}

// -- the table ------------------------------------------------------------

namespace {

std::string fixed(double x, int decimals) {
  if (x < 0)
    return "-";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, x);
  return buf;
}

/// Latency in ms with three significant digits.
std::string millis(double x) {
  if (x < 0)
    return "-";
  char buf[32];
  std::snprintf(buf, sizeof(buf), x < 10 ? "%.3f" : x < 100 ? "%.2f" : "%.1f",
                x);
  return buf;
}

std::string times(double x) {
  if (x <= 0)
    return "-";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2fx", x);
  return buf;
}

} // namespace

void print_table(const bench_report& report, std::ostream& out) {
  char line[512];
  const char* head = "%-6s %-7s %-10s %8s %5s %10s %7s %10s %7s %10s %7s "
                     "%8s %8s %8s %7s %7s %7s\n";
  std::snprintf(line, sizeof(line), head, "format", "rate", "pipeline", "sent",
                "lost", "prod/s", "MB/s", "cons/s", "MB/s", "e2e/s", "MB/s",
                "p50 ms", "p99 ms", "p99.9 ms", "CPU s", "brk s", "RSS MB");
  out << line;
  auto row = [&](const run_result& run, const phase_result& x) {
    if (!x.error.empty() && x.sent == 0) {
      out << std::string{to_string(run.format)} << " " << rate_label(run.rate)
          << " " << x.pipeline << ": " << x.error << "\n";
      return;
    }
    std::snprintf(
      line, sizeof(line), head, std::string{to_string(run.format)}.c_str(),
      rate_label(run.rate).c_str(), x.pipeline.c_str(),
      std::to_string(x.sent).c_str(), std::to_string(x.lost).c_str(),
      fixed(x.produce.msgs_per_s, 0).c_str(),
      fixed(x.produce.mb_per_s, 2).c_str(),
      fixed(x.consume.msgs_per_s, 0).c_str(),
      fixed(x.consume.mb_per_s, 2).c_str(),
      fixed(x.end_to_end.msgs_per_s, 0).c_str(),
      fixed(x.end_to_end.mb_per_s, 2).c_str(),
      millis(x.latency.p50_ms).c_str(), millis(x.latency.p99_ms).c_str(),
      millis(x.latency.p999_ms).c_str(), fixed(x.cpu_s, 2).c_str(),
      fixed(x.broker_cpu_s, 2).c_str(), fixed(x.peak_rss_mb, 1).c_str());
    out << line;
    if (!x.error.empty())
      out << "  (" << x.pipeline << ": " << x.error << ")\n";
  };
  for (const auto& run : report.runs) {
    row(run, run.raw);
    row(run, run.kscope);
    const auto& r = run.ratio;
    std::snprintf(line, sizeof(line),
                  "%-6s %-7s %-10s %8s %5s %10s %7s %10s %7s %10s %7s %8s "
                  "%8s %8s %7s\n",
                  "", "", "kscope/raw", "", "", times(r.produce).c_str(), "",
                  times(r.consume).c_str(), "", times(r.end_to_end).c_str(),
                  "", "", times(r.latency_p99).c_str(), "",
                  times(r.cpu_per_msg).c_str());
    out << line;
  }
  out << "Rates from the first message to the last; MB = 10^6 bytes of key "
         "+ value. Latency: sample timestamp to the window (raw: to its "
         "consumer).\nCPU s and RSS MB: the phase's own process (producer "
         "and consumer side); brk s: the embedded broker's CPU. The "
         "kscope/raw CPU ratio is per message.\n";
  if (!report.error.empty())
    out << "error: " << report.error << "\n";
}

// -- JSON -----------------------------------------------------------------

namespace {

/// A minimal JSON writer: objects, arrays, strings, numbers.
class json_writer {
public:
  explicit json_writer(std::ostream& out) : out_(out) {
  }

  void begin_object() {
    separate();
    out_ << '{';
    first_ = true;
  }

  void end_object() {
    out_ << '}';
    first_ = false;
  }

  void begin_array() {
    separate();
    out_ << '[';
    first_ = true;
  }

  void end_array() {
    out_ << ']';
    first_ = false;
  }

  /// The next value belongs to `name`.
  void key(const std::string& name) {
    separate();
    string_literal(name);
    out_ << ':';
    first_ = true;
  }

  void value(const std::string& x) {
    separate();
    string_literal(x);
  }

  void value(double x) {
    separate();
    if (!std::isfinite(x)) {
      out_ << "null";
      return;
    }
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.6g", x);
    out_ << buf;
  }

  void value(uint64_t x) {
    separate();
    out_ << x;
  }

  void value(bool x) {
    separate();
    out_ << (x ? "true" : "false");
  }

  template <class T>
  void field(const std::string& name, const T& x) {
    key(name);
    value(x);
  }

private:
  void separate() {
    if (!first_)
      out_ << ',';
    first_ = false;
  }

  void string_literal(const std::string& x) {
    out_ << '"';
    for (unsigned char c : x) {
      switch (c) {
        case '"':
          out_ << "\\\"";
          break;
        case '\\':
          out_ << "\\\\";
          break;
        case '\n':
          out_ << "\\n";
          break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof(buf), "\\u%04x", c);
            out_ << buf;
          } else {
            out_ << c;
          }
      }
    }
    out_ << '"';
  }

  std::ostream& out_;
  bool first_ = true;
};

void write_throughput(json_writer& w, const std::string& name,
                      const throughput& x) {
  w.key(name);
  w.begin_object();
  w.field("msgs_per_s", x.msgs_per_s);
  w.field("mb_per_s", x.mb_per_s);
  w.end_object();
}

void write_phase(json_writer& w, const phase_result& x) {
  w.begin_object();
  w.field("pipeline", x.pipeline);
  w.field("sent", x.sent);
  w.field("delivered", x.delivered);
  w.field("failed", x.failed);
  w.field("received", x.received);
  w.field("lost", x.lost);
  w.field("duplicates", x.duplicates);
  w.field("malformed", x.malformed);
  w.field("bytes", x.bytes);
  write_throughput(w, "produce", x.produce);
  write_throughput(w, "consume", x.consume);
  write_throughput(w, "end_to_end", x.end_to_end);
  w.key("latency_ms");
  w.begin_object();
  w.field("count", x.latency.count);
  w.field("p50", x.latency.p50_ms);
  w.field("p99", x.latency.p99_ms);
  w.field("p99_9", x.latency.p999_ms);
  w.field("max", x.latency.max_ms);
  w.field("mean", x.latency.mean_ms);
  w.end_object();
  w.field("cpu_s", x.cpu_s);
  w.field("cpu_system_s", x.cpu_system_s);
  w.field("context_switches", x.context_switches);
  w.field("broker_cpu_s", x.broker_cpu_s);
  w.field("peak_rss_mb", x.peak_rss_mb);
  w.field("wall_s", x.wall_s);
  w.field("error", x.error);
  w.end_object();
}

} // namespace

void write_json(const bench_report& report, std::ostream& out) {
  json_writer w{out};
  w.begin_object();
  w.key("machine");
  w.begin_object();
  w.field("cores", static_cast<uint64_t>(report.machine.cores));
  w.field("cpu_model", report.machine.cpu_model);
  w.field("kernel", report.machine.kernel);
  w.field("load_before", report.machine.load_before);
  w.field("librdkafka", report.machine.librdkafka);
  w.end_object();
  w.field("broker", report.broker);
  const auto& p = report.params;
  w.key("params");
  w.begin_object();
  w.field("count", p.count);
  w.field("duration_s", static_cast<double>(p.duration.count()) / 1000);
  w.field("cores_per_sample", static_cast<uint64_t>(p.cores));
  w.field("in_flight", p.in_flight);
  w.field("render", p.render);
  w.field("fps", p.fps);
  w.key("properties");
  w.begin_array();
  for (const auto& [k, v] : p.properties)
    w.value(k + "=" + v);
  w.end_array();
  w.end_object();
  w.key("runs");
  w.begin_array();
  for (const auto& run : report.runs) {
    w.begin_object();
    w.field("format", std::string{to_string(run.format)});
    w.field("rate", run.rate);
    w.field("rate_label", rate_label(run.rate));
    w.field("message_bytes", static_cast<uint64_t>(run.message_bytes));
    w.key("raw");
    write_phase(w, run.raw);
    w.key("kscope");
    write_phase(w, run.kscope);
    w.key("ratio");
    w.begin_object();
    w.field("produce", run.ratio.produce);
    w.field("consume", run.ratio.consume);
    w.field("end_to_end", run.ratio.end_to_end);
    w.field("cpu_per_msg", run.ratio.cpu_per_msg);
    w.field("latency_p99", run.ratio.latency_p99);
    w.end_object();
    w.end_object();
  }
  w.end_array();
  w.field("complete", report.complete());
  w.field("error", report.error);
  w.end_object();
  out << '\n';
}

} // namespace kscope::bench
