// libFuzzer harness: see kscope::fuzz::cli in targets.hpp.

#include <cstddef>
#include <cstdint>

#include "tests/fuzz/targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kscope::fuzz::cli({reinterpret_cast<const char*>(data), size});
  return 0;
}
