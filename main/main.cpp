// kscope: live system metrics through Kafka. This file only parses the
// command line (main/cli.cpp) and hands over to a role.

#include <iostream>
#include <variant>

#include "main/bench.hpp"
#include "main/cli.hpp"
#include "main/roles.hpp"

int main(int argc, char** argv) {
  using namespace kscope;
  auto parsed = parse_command_line(argc, argv, std::cout, std::cerr);
  if (auto* code = std::get_if<int>(&parsed))
    return *code;
  auto& cl = std::get<command_line>(parsed);
  install_signal_handlers();
  switch (cl.which) {
    case command::produce:
      return run_produce(cl.produce);
    case command::broker:
      return run_broker(cl.broker);
    case command::view:
      return run_view(cl.view, cl.view_kafka);
    case command::run:
      // In one process the viewer waits for as many samples as are produced.
      cl.run.view.count = cl.run.produce.count;
      return run_all(cl.run);
    case command::bench:
      return run_bench(cl.bench);
  }
  return exit_failure;
}
