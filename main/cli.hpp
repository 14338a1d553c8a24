#pragma once

// The command line: CLI11 subcommands bound to option structs, as a function
// that never exits the process, so tests and fuzzers can call it.

#include <iosfwd>
#include <variant>

#include "bench/command.hpp"
#include "actors/options.hpp"

namespace kscope {

/// The subcommand a command line asked for.
enum class command {
  produce,
  broker,
  view,
  run,
  bench,
  simulate,
  alert,
};

/// A parsed command line: the subcommand and the options bound to it. Only
/// the chosen subcommand's fields were filled from argv or the config file;
/// the others keep their defaults.
struct command_line {
  command which = command::produce;
  produce_options produce;
  broker_options broker;
  view_options view;
  /// `-b` and `-X` of `view`.
  kafka_options view_kafka;
  run_options run;
  bench_options bench;
  simulate_options simulate;
  /// `kscope alert`: a viewer without a display, and its -b and -X.
  view_options alert;
  kafka_options alert_kafka;
};

/// Parses `argv`, reading `--config FILE` when given; flags on the command
/// line win over the file. Returns the command line, or the exit code to end
/// with: 0 after printing `--help` or `--version` to `out`, 2 (usage) after
/// one line `kscope: error: ...` to `err`. Values are only bound here, not
/// validated (durations, formats and offsets are checked by the roles).
std::variant<command_line, int> parse_command_line(int argc,
                                                   const char* const* argv,
                                                   std::ostream& out,
                                                   std::ostream& err);

} // namespace kscope
