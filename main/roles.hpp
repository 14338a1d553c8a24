#pragma once

#include "main/options.hpp"
#include "messages/errors.hpp"

namespace kscope {


/// Set by the SIGINT/SIGTERM handler; roles poll it.
bool stop_requested();

/// Installs the SIGINT/SIGTERM handler.
void install_signal_handlers();

/// `kscope produce`: sample this host and publish until stopped or --count.
int run_produce(const produce_options& opts);

/// `kscope view`: consume, window and draw until stopped.
int run_view(const view_options& opts, const kafka_options& kafka);

/// `kscope broker`: the embedded broker until SIGINT/SIGTERM.
int run_broker(const broker_options& opts);

/// `kscope run`: the embedded broker (unless -b), the producer and the
/// viewer in one process.
int run_all(const run_options& opts);

} // namespace kscope
