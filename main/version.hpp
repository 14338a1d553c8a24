#pragma once

#include <string>

namespace kscope {

/// What `kscope --version` prints, one line each: kscope's version (with
/// the git commit when built from a clone), then the versions of the
/// librdkafka it runs with and of the CAF it was built against.
std::string version_text();

} // namespace kscope
