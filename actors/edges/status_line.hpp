#pragma once

#include <chrono>
#include <cstdio>
#include <string>

#include "messages/status.hpp"

namespace kscope {

/// What a producer shows the user. On a terminal: one live line, rewritten
/// in place, with log lines scrolling above it. Elsewhere (a pipe, a file,
/// systemd): plain timestamped lines on changes and every `log_every`.
class status_line {
public:
  status_line(std::FILE* out, bool terminal, std::string label);

  /// Shows a new status.
  void update(const publisher_status& x);

  /// Prints one event line (a restart, a stop) above the live line.
  void log(const std::string& line);

  /// Ends the live line so later output starts on a fresh line.
  void finish();

  /// True once a write failed (stdout closed: a pipe whose reader is gone).
  bool closed() const noexcept {
    return closed_;
  }

  /// One-line rendering of a status, e.g. "sent 12  delivered 12 ...".
  static std::string render(const publisher_status& x);

private:
  void print_line(const std::string& text);

  /// Flushes; a failure marks the output closed.
  void flush();

  std::FILE* out_;
  bool terminal_;
  std::string label_;
  bool live_ = false;
  bool closed_ = false;
  publisher_status last_;
  std::chrono::steady_clock::time_point last_log_;
  std::chrono::seconds log_every_{30};
};

} // namespace kscope
