#include "bench/pipelines.hpp"

#include <fstream>
#include <sstream>

#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

namespace kscope::bench {

namespace {

double timeval_s(const timeval& tv) {
  return static_cast<double>(tv.tv_sec)
         + static_cast<double>(tv.tv_usec) / 1e6;
}

/// User and system CPU seconds and context switches of this process, every
/// thread it ever had.
struct self_usage {
  double user_s = 0;
  double system_s = 0;
  double switches = 0;

  static self_usage now() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return {timeval_s(ru.ru_utime), timeval_s(ru.ru_stime),
            static_cast<double>(ru.ru_nvcsw + ru.ru_nivcsw)};
  }
};

/// User + system CPU seconds of process `pid` from /proc; -1 when gone.
double process_cpu_s(pid_t pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/stat"};
  std::string text;
  if (!std::getline(in, text))
    return -1;
  // The command name (field 2) may hold spaces: fields count from the last
  // ')'. utime and stime are fields 14 and 15.
  auto pos = text.rfind(')');
  if (pos == std::string::npos)
    return -1;
  std::istringstream fields{text.substr(pos + 2)};
  std::string skip;
  for (int i = 3; i < 14; ++i)
    fields >> skip;
  double utime = 0;
  double stime = 0;
  if (!(fields >> utime >> stime))
    return -1;
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

/// A field of /proc/self/status in kB ("VmHWM", "VmRSS"); 0 when missing.
double self_status_kb(const std::string& key) {
  std::ifstream in{"/proc/self/status"};
  std::string line;
  while (std::getline(in, line))
    if (line.compare(0, key.size() + 1, key + ":") == 0)
      return std::stod(line.substr(key.size() + 1));
  return 0;
}

double per_second(uint64_t n, int64_t from_ns, int64_t to_ns) {
  // n messages between the first and the last are n - 1 intervals.
  if (n < 2 || to_ns <= from_ns)
    return 0;
  return static_cast<double>(n - 1) / (static_cast<double>(to_ns - from_ns)
                                       / 1e9);
}

throughput rates(uint64_t n, int64_t from_ns, int64_t to_ns,
                 double message_bytes) {
  throughput result;
  result.msgs_per_s = per_second(n, from_ns, to_ns);
  result.mb_per_s = result.msgs_per_s * message_bytes / 1e6;
  return result;
}

} // namespace

phase_meter::phase_meter(pid_t broker_pid) : broker_pid_(broker_pid) {
}

void phase_meter::reset_peak() {
  // Hand back what earlier phases freed, so it does not count here; then
  // writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+).
  malloc_trim(0);
  std::ofstream{"/proc/self/clear_refs"} << "5";
}

void phase_meter::begin() {
  auto usage = self_usage::now();
  user0_ = usage.user_s;
  system0_ = usage.system_s;
  switches0_ = usage.switches;
  if (broker_pid_ > 0)
    broker_cpu0_ = process_cpu_s(broker_pid_);
}

void phase_meter::end() {
  auto usage = self_usage::now();
  user_ = usage.user_s - user0_;
  system_ = usage.system_s - system0_;
  switches_ = usage.switches - switches0_;
  if (broker_pid_ > 0) {
    auto now = process_cpu_s(broker_pid_);
    broker_cpu_ = now >= 0 && broker_cpu0_ >= 0 ? now - broker_cpu0_ : -1;
  }
  peak_rss_mb_ = self_status_kb("VmHWM") * 1024 / 1e6;
}

void phase_meter::fill(phase_result& out) const {
  out.cpu_s = user_ + system_;
  out.cpu_system_s = system_;
  out.context_switches = static_cast<uint64_t>(switches_);
  out.broker_cpu_s = broker_cpu_;
  out.peak_rss_mb = peak_rss_mb_;
}

void summarize(const probe& meter, uint64_t delivered,
               int64_t last_delivery_ns, double message_bytes,
               phase_result& out) {
  out.sent = meter.sent();
  out.received = meter.received();
  out.delivered = delivered;
  out.lost = out.sent > out.received ? out.sent - out.received : 0;
  out.duplicates = meter.duplicates();
  out.bytes = static_cast<uint64_t>(static_cast<double>(out.sent)
                                    * message_bytes);
  auto first_sent = meter.first_sent_ns();
  out.produce = rates(delivered, first_sent, last_delivery_ns, message_bytes);
  out.consume = rates(out.received, meter.first_received_ns(),
                      meter.last_received_ns(), message_bytes);
  out.end_to_end = rates(out.received, first_sent, meter.last_received_ns(),
                         message_bytes);
  if (out.received > 0)
    out.wall_s = static_cast<double>(meter.last_received_ns() - first_sent)
                 / 1e9;
  const auto& h = meter.latency();
  auto ms = [](int64_t ns) { return ns < 0 ? -1.0 : static_cast<double>(ns) / 1e6; };
  out.latency.count = h.count();
  out.latency.p50_ms = ms(h.percentile(0.50));
  out.latency.p99_ms = ms(h.percentile(0.99));
  out.latency.p999_ms = ms(h.percentile(0.999));
  out.latency.max_ms = ms(h.max());
  out.latency.mean_ms = h.count() == 0 ? -1 : h.mean() / 1e6;
}

void report_progress(const phase_setup& setup, const probe& meter,
                     std::chrono::steady_clock::time_point started,
                     const char* stage) {
  if (!setup.progress)
    return;
  bench_progress p;
  p.label = setup.label;
  p.sent = meter.sent();
  p.received = meter.received();
  p.elapsed_s = std::chrono::duration<double>(
                  std::chrono::steady_clock::now() - started)
                  .count();
  p.stage = stage;
  setup.progress(p);
}

} // namespace kscope::bench
