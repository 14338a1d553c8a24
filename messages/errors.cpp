#include "messages/errors.hpp"

#include <cstdio>

#include <caf/atom.hpp>
#include <caf/deep_to_string.hpp>
#include <caf/message.hpp>

#include "messages/status.hpp"

namespace kscope {

std::string to_string(errc x) {
  switch (x) {
    case errc::none:
      return "none";
    case errc::kafka_fatal:
      return "kafka_fatal";
    case errc::sampling_failed:
      return "sampling_failed";
    case errc::restart_cap:
      return "restart_cap";
    case errc::stop_timeout:
      return "stop_timeout";
    case errc::surface_failed:
      return "surface_failed";
  }
  return "unknown";
}

void error_line(const std::string& what) {
  std::fprintf(stderr, "kscope: error: %s\n", what.c_str());
}

std::string describe(const caf::error& err) {
  if (!err)
    return "no error";
  if (err.category() == caf::atom("kscope")) {
    const auto& ctx = err.context();
    if (ctx.match_elements<std::string>())
      return ctx.get_as<std::string>(0);
    return to_string(static_cast<errc>(err.code()));
  }
  return caf::to_string(err);
}

} // namespace kscope
