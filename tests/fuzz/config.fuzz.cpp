// libFuzzer harness: see kscope::fuzz::config in targets.hpp.

#include <cstddef>
#include <cstdint>

#include "tests/fuzz/targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kscope::fuzz::config({reinterpret_cast<const char*>(data), size});
  return 0;
}
