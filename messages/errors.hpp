#pragma once

#include <cstdint>
#include <string>

#include <caf/error.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

namespace kscope {

/// Error codes of kscope's actors, carried in caf::error with category
/// "kscope".
enum class errc : uint8_t {
  none = 0,
  /// A librdkafka error that retrying cannot mend (fatal idempotence error,
  /// authentication failure, invalid configuration).
  kafka_fatal,
  /// Reading or parsing /proc/stat failed.
  sampling_failed,
  /// A supervised child crashed more often than the restart cap allows.
  restart_cap,
  /// A child did not stop in time on shutdown.
  stop_timeout,
  /// The renderer could not open (or reopen) its drawing surface: no
  /// display, no font, no terminal. Ends the role like a fatal Kafka error.
  surface_failed,
};

/// Exit codes of the `kscope` process: 0 success, 1 runtime failure, 2
/// usage error, 130 aborted by a second signal.
enum exit_code : int {
  exit_ok = 0,
  exit_failure = 1,
  exit_usage = 2,
  exit_aborted = 130,
};

/// Prints "kscope: error: WHAT" as one line on stderr.
void error_line(const std::string& what);

/// Returns the enum's name, e.g. "kafka_fatal".
std::string to_string(errc x);

/// Renders an error for a human: for kscope errors the context message
/// (a one-line reason), for others CAF's rendering.
std::string describe(const caf::error& err);

} // namespace kscope

CAF_ERROR_CODE_ENUM(kscope::errc, "kscope")
