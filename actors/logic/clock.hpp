#pragma once

// Wall-clock helpers shared by the actors, the status line and the
// benchmarks.

#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>

namespace kscope {

/// Now, in nanoseconds since the epoch (sample timestamps, latencies).
inline int64_t wall_clock_ns() noexcept {
  using namespace std::chrono;
  return duration_cast<nanoseconds>(system_clock::now().time_since_epoch())
    .count();
}

/// How long a broker state has held: the clock restarts whenever the state
/// passed in differs from the one before.
class state_timer {
public:
  template <class State>
  uint64_t age_s(State x, std::chrono::steady_clock::time_point now) {
    auto code = static_cast<int>(x);
    if (code != last_) {
      last_ = code;
      since_ = now;
    }
    return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(now - since_).count());
  }

private:
  int last_ = -1;
  std::chrono::steady_clock::time_point since_;
};

/// Now, formatted with strftime's `format`, in UTC or local time.
inline std::string format_now(const char* format, bool utc) {
  char buf[64];
  auto now = std::time(nullptr);
  std::tm tm{};
  if (utc)
    gmtime_r(&now, &tm);
  else
    localtime_r(&now, &tm);
  auto n = std::strftime(buf, sizeof(buf), format, &tm);
  return std::string(buf, n);
}

} // namespace kscope
