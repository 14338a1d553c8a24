#include "main/version.hpp"

#include <caf/config.hpp>
#include <librdkafka/rdkafka.h>

#include "kscope_git_commit.hpp"

namespace kscope {

std::string version_text() {
  std::string text = "kscope " KSCOPE_VERSION;
  if (const std::string commit = KSCOPE_GIT_COMMIT; !commit.empty())
    text += " (git " + commit + ")";
  // librdkafka's own report: the shared library loaded now, which a
  // package upgrade can change under an installed kscope.
  text += "\nlibrdkafka ";
  text += rd_kafka_version_str();
  // CAF's version is only known at build time (CAF_VERSION, e.g. 1706).
  text += "\nCAF " + std::to_string(CAF_MAJOR_VERSION) + '.'
          + std::to_string(CAF_MINOR_VERSION) + '.'
          + std::to_string(CAF_PATCH_VERSION);
  return text;
}

} // namespace kscope
