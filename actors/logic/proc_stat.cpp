#include "actors/logic/proc_stat.hpp"

#include "actors/logic/proc_text.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdio>
#include <memory>
#include <system_error>
#include <utility>

namespace kscope {

using namespace proc_text;

namespace {

/// Highest core number accepted; anything above is a corrupt line, not a
/// machine, and would make the core vector absurdly large.
constexpr uint64_t max_core_number = 65535;

/// The four counters every kernel since 2.4 prints: user nice system idle.
constexpr std::size_t mandatory_counters = 4;

/// Counters in the order the kernel prints them on a `cpu` line.
constexpr uint64_t cpu_times::*counter_fields[] = {
  &cpu_times::user,    &cpu_times::nice,    &cpu_times::system,
  &cpu_times::idle,    &cpu_times::iowait,  &cpu_times::irq,
  &cpu_times::softirq, &cpu_times::steal,   &cpu_times::guest,
  &cpu_times::guest_nice,
};

/// Reads the counters following the name of a `cpu` line into `out`.
bool parse_counters(std::string_view name, std::string_view rest,
                    cpu_times& out, std::string* err) {
  std::size_t count = 0;
  for (auto token = next_token(rest);
       !token.empty() && count < std::size(counter_fields);
       token = next_token(rest)) {
    if (!parse_number(token, out.*counter_fields[count]))
      return fail(err, "malformed /proc/stat: counter " + std::to_string(count + 1)
                         + " of " + quoted(name) + " is not a number: "
                         + quoted(token));
    ++count;
  }
  if (count < mandatory_counters)
    return fail(err, "malformed /proc/stat: " + quoted(name) + " has "
                       + std::to_string(count) + " counters, at least "
                       + std::to_string(mandatory_counters) + " needed");
  return true;
}

/// Adds one line to `reading` if it is a `cpu` or `cpuN` line; other lines
/// are left alone. Returns false on a malformed cpu line.
bool parse_line(std::string_view line, proc_stat_reading& reading,
                bool& has_total, std::string* err) {
  auto rest = line;
  const auto name = next_token(rest);
  if (name.substr(0, 3) != "cpu")
    return true;
  const auto suffix = name.substr(3);
  if (suffix.empty()) {
    if (has_total)
      return fail(err, "malformed /proc/stat: more than one aggregate cpu line");
    has_total = true;
    return parse_counters(name, rest, reading.total, err);
  }
  // A name such as "cpufreq" is some other statistic, not a core.
  if (!is_digits(suffix))
    return true;
  uint64_t core = 0;
  if (!parse_number(suffix, core) || core > max_core_number)
    return fail(err, "malformed /proc/stat: core number of " + quoted(name)
                       + " is above " + std::to_string(max_core_number));
  const auto index = static_cast<std::size_t>(core);
  if (index >= reading.cores.size())
    reading.cores.resize(index + 1);
  if (reading.cores[index])
    return fail(err, "malformed /proc/stat: more than one " + quoted(name) + " line");
  cpu_times times;
  if (!parse_counters(name, rest, times, err))
    return false;
  reading.cores[index] = times;
  return true;
}

} // namespace

std::optional<proc_stat_reading> parse_proc_stat(std::string_view text,
                                                 std::string* err) {
  proc_stat_reading reading;
  bool has_total = false;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const auto line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (!parse_line(line, reading, has_total, err))
      return std::nullopt;
  }
  if (!has_total) {
    fail(err, "no aggregate cpu line in /proc/stat");
    return std::nullopt;
  }
  return reading;
}

std::optional<cpu_usage> usage_between(const cpu_times& before,
                                       const cpu_times& after) {
  // Per counter, so one counter that was reset cannot cancel another's
  // progress.
  auto delta = [](uint64_t then, uint64_t now) {
    return now > then ? static_cast<double>(now - then) : 0.0;
  };
  // guest and guest_nice are left out: user and nice already contain them.
  const double user = delta(before.user, after.user) + delta(before.nice, after.nice);
  const double system = delta(before.system, after.system)
                        + delta(before.irq, after.irq)
                        + delta(before.softirq, after.softirq);
  const double idle = delta(before.idle, after.idle)
                      + delta(before.iowait, after.iowait);
  const double steal = delta(before.steal, after.steal);
  const double total = user + system + idle + steal;
  if (total <= 0)
    return std::nullopt;
  auto percent = [total](double part) {
    return std::clamp(part / total * 100.0, 0.0, 100.0);
  };
  cpu_usage usage;
  usage.busy = percent(user + system + steal);
  usage.user = percent(user);
  usage.system = percent(system);
  return usage;
}

cpu_usage_meter::cpu_usage_meter(std::string proc_root)
  : path_(std::move(proc_root) + "/stat") {}

std::optional<cpu_usage_meter::result>
cpu_usage_meter::measure(std::string* err) {
  auto text = read_file(path_, err);
  if (!text)
    return std::nullopt;
  return measure_text(*text, err);
}

std::optional<cpu_usage_meter::result>
cpu_usage_meter::measure_text(std::string_view text, std::string* err) {
  auto now = parse_proc_stat(text, err);
  if (!now)
    return std::nullopt;
  if (!baseline_) {
    baseline_ = std::move(now);
    return std::nullopt;
  }
  const auto& before = *baseline_;
  result out;
  auto total = usage_between(before.total, now->total);
  out.total = total ? *total : last_.total;
  out.cores.assign(now->cores.size(), 0.0);
  for (std::size_t i = 0; i < now->cores.size(); ++i) {
    if (i >= before.cores.size() || !before.cores[i] || !now->cores[i])
      continue;
    if (auto core = usage_between(*before.cores[i], *now->cores[i]))
      out.cores[i] = core->busy;
    else if (i < last_.cores.size())
      out.cores[i] = last_.cores[i];
  }
  baseline_ = std::move(now);
  last_ = out;
  return out;
}

size_t cpu_usage_meter::online_cores() const {
  if (!baseline_)
    return 0;
  return static_cast<size_t>(std::count_if(
    baseline_->cores.begin(), baseline_->cores.end(),
    [](const auto& x) { return x.has_value(); }));
}

} // namespace kscope
