#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <sys/types.h>

namespace kscope::test {

/// A child process whose stdout and stderr go to one temporary file, for
/// tests that drive the `kscope` binary or kcat as a user would.
class process {
public:
  /// Starts `argv` (argv[0] is looked up in PATH).
  explicit process(std::vector<std::string> argv);

  ~process();

  process(const process&) = delete;
  process& operator=(const process&) = delete;

  /// Waits for the exit; kills the child and returns -1 after `timeout`.
  /// Returns the exit code, or 128 + signal number when it was killed.
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds{60});

  /// Sends `sig` to the child.
  void signal(int sig);

  /// Everything the child printed so far.
  std::string output() const;

  /// Peak resident memory of the child in KiB (VmHWM), known once it was
  /// waited for; 0 before.
  long max_rss_kib() const noexcept {
    return max_rss_kib_;
  }

  /// Waits until `text` appears in the output or the child exits; true if
  /// it appeared.
  bool wait_for_output(const std::string& text,
                       std::chrono::milliseconds timeout
                       = std::chrono::seconds{30});

private:
  pid_t pid_ = -1;
  int status_ = -1;
  bool exited_ = false;
  long max_rss_kib_ = 0;
  std::string log_path_;
};

/// Runs `argv` to its end and returns {exit code, output}.
struct run_result {
  int code;
  std::string output;
};
run_result run(std::vector<std::string> argv,
               std::chrono::milliseconds timeout = std::chrono::seconds{60});

/// Path of the kscope binary under test.
std::string kscope_binary();

} // namespace kscope::test
