#pragma once

#include <memory>
#include <string>
#include <vector>

#include "messages/metrics.hpp"

namespace kscope {

/// NVIDIA's management library, loaded at run time with dlopen when it is
/// installed (it comes with the driver): kscope neither builds nor packages
/// against it. Reads utilisation and memory per GPU.
class nvml {
public:
  /// The library's usual name.
  static constexpr const char* default_library = "libnvidia-ml.so.1";

  /// Loads `library` and initialises it; returns nullptr and sets `err`
  /// to a one-line reason when it is missing or fails.
  static std::unique_ptr<nvml> load(const std::string& library,
                                    std::string& err);

  ~nvml();

  nvml(const nvml&) = delete;
  nvml& operator=(const nvml&) = delete;

  /// One reading of every GPU; a GPU that fails to answer is left out.
  std::vector<gpu_stats> read();

  /// GPUs found at load.
  unsigned count() const noexcept {
    return count_;
  }

private:
  struct api;

  nvml() = default;

  void* handle_ = nullptr;
  std::unique_ptr<api> api_;
  unsigned count_ = 0;
};

} // namespace kscope
