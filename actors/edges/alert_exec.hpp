#pragma once

// --alert-exec: a command run once per alert transition, off the pipeline.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace kscope {

/// Runs `/bin/sh -c CMD` once per queued event on its own thread, one at a
/// time, with the event's JSON on standard input and its fields in the
/// environment (KSCOPE_ALERT_RULE, _HOST, _STATE, _VALUE, _THRESHOLD, _TS,
/// _SEVERITY, _METRIC). A run longer than the time limit is killed (its
/// whole process group). Its exit status, and what it printed (at most
/// 4 KiB, one line per line), go to `log`. Never blocks the caller: at
/// most 1000 events wait; beyond that an event is dropped and counted.
class alert_exec {
public:
  using env_list = std::vector<std::pair<std::string, std::string>>;

  alert_exec(std::string command, std::chrono::milliseconds limit,
             std::function<void(const std::string&)> log);

  /// Waits for the run in progress (at most the time limit) and stops.
  ~alert_exec();

  alert_exec(const alert_exec&) = delete;
  alert_exec& operator=(const alert_exec&) = delete;

  /// Queues one run with `json` on stdin and `env` added to the
  /// environment.
  void submit(std::string json, env_list env);

  uint64_t dropped() const;

  /// Where the hook's output and failures go from now on (the alerter sets
  /// its log at every start).
  void set_log(std::function<void(const std::string&)> log);

  static constexpr size_t max_queued = 1000;

private:
  struct job {
    std::string json;
    env_list env;
  };

  void loop();
  void run(const job& x);

  std::string command_;
  std::chrono::milliseconds limit_;
  mutable std::mutex mtx_;
  std::function<void(const std::string&)> log_;
  std::condition_variable cv_;
  std::deque<job> queue_;
  bool stopping_ = false;
  uint64_t dropped_ = 0;
  std::thread worker_;
};

} // namespace kscope
