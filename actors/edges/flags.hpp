#pragma once

// The flags of produce, view and run, bound to their option structs with
// the typed parsers of typed_options.hpp. main/cli.cpp puts them on its
// subcommands.

#include <string>

#include <CLI/CLI.hpp>

#include "actors/options.hpp"

namespace kscope::cli {

/// -b, -X and, unless the subcommand binds its own, -t.
void add_kafka_options(CLI::App& cmd, kafka_options& opts,
                       const std::string& default_brokers, bool topic = true);

/// The producer's flags (interval, format, metrics, host, ...).
void add_produce_options(CLI::App& cmd, produce_options& opts,
                         const std::string& default_brokers);

/// Options of the chart and the window, shared by `view` and `run`.
void add_simulate_options(CLI::App& cmd, simulate_options& opts);

/// --alert, --alert-topic, --alert-exec, --alert-exec-timeout.
void add_alert_options(CLI::App& cmd, view_options& opts);

/// What `kscope alert` shares with view beyond the alert options: --expire,
/// --max-skew, --hosts, --duration, --flush-timeout.
void add_headless_options(CLI::App& cmd, view_options& opts);

void add_display_options(CLI::App& cmd, view_options& opts, bool with_count);

} // namespace kscope::cli
