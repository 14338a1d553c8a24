// kscope: live system metrics through Kafka. main() parses the command line
// (main/cli.cpp), has the role prepared (actors/plan.hpp), starts its actor
// graph (actors/roles.hpp), waits for its outcome, relays signals and
// returns the exit code.

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>
#include <variant>

#include "actors/edges/surface.hpp"
#include "actors/plan.hpp"
#include "bench/command.hpp"
#include "main/cli.hpp"

namespace {

volatile std::sig_atomic_t signal_count = 0;

void on_signal(int) {
  signal_count = signal_count + 1;
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  // A closed terminal or SSH session (SIGHUP) stops like Ctrl-C; a closed
  // pipe on stdout is a write error the reporter handles, not a signal
  // that kills the process with samples still queued.
  for (int sig : {SIGINT, SIGTERM, SIGHUP})
    sigaction(sig, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

/// Runs a prepared role until it ends. The first signal is an orderly stop
/// (signals arriving together, from timeout(1) or a service manager
/// signalling the process group, count as one); a later one aborts.
int run(std::variant<kscope::prepared_role, int> prepared) {
  using namespace kscope;
  if (auto* code = std::get_if<int>(&prepared))
    return *code;
  auto& ready = std::get<prepared_role>(prepared);
  running_role role{std::move(ready.plan), std::move(ready.report)};
  int seen = 0;
  for (;;) {
    // 500 ms: a signal is seen promptly and an idle producer node wakes
    // only twice a second (bench/RESULTS.md).
    if (auto code = role.wait_for(std::chrono::milliseconds{500}))
      return *code;
    if (signal_count == seen)
      continue;
    if (seen == 0) {
      seen = signal_count;
      role.stop("stopping");
      continue;
    }
    restore_terminal_now();
    auto code = role.abort();
    std::fflush(stdout);
    std::_Exit(code);
  }
}

} // namespace

int main(int argc, char** argv) {
  using namespace kscope;
  auto parsed = parse_command_line(argc, argv, std::cout, std::cerr);
  if (auto* code = std::get_if<int>(&parsed))
    return *code;
  auto& cl = std::get<command_line>(parsed);
  install_signal_handlers();
  switch (cl.which) {
    case command::produce:
      return run(prepare_produce(cl.produce));
    case command::view:
      return run(prepare_view(cl.view, cl.view_kafka));
    case command::run:
      // In one process the viewer waits for as many samples as are produced.
      cl.run.view.count = cl.run.produce.count;
      return run(prepare_run(cl.run));
    case command::broker:
      return serve_broker(cl.broker, [] { return signal_count > 0; });
    case command::bench:
      return run_bench(cl.bench, [] { return signal_count > 0; });
    case command::simulate:
      return run(prepare_simulate(cl.simulate));
    case command::alert:
      return run(prepare_view(cl.alert, cl.alert_kafka));
  }
  return exit_failure;
}
