// libFuzzer harness: see kscope::fuzz::payload in targets.hpp.

#include <cstddef>
#include <cstdint>

#include "tests/fuzz/targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kscope::fuzz::payload({reinterpret_cast<const char*>(data), size});
  return 0;
}
