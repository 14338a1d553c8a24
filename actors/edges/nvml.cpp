#include "actors/edges/nvml.hpp"

#include <dlfcn.h>

namespace kscope {

namespace {

// The few declarations of nvml.h used here, as the library's ABI defines
// them: every call returns an nvmlReturn_t, 0 on success.
using nvml_return = int;
using nvml_device = struct nvml_device_opaque*;

struct nvml_utilization {
  unsigned int gpu;
  unsigned int memory;
};

struct nvml_memory {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
};

constexpr nvml_return nvml_success = 0;

/// NVML_DEVICE_NAME_V2_BUFFER_SIZE.
constexpr unsigned name_buffer_size = 96;

} // namespace

struct nvml::api {
  nvml_return (*init)();
  nvml_return (*shutdown)();
  nvml_return (*device_count)(unsigned*);
  nvml_return (*device_by_index)(unsigned, nvml_device*);
  nvml_return (*utilization)(nvml_device, nvml_utilization*);
  nvml_return (*memory)(nvml_device, nvml_memory*);
  nvml_return (*name)(nvml_device, char*, unsigned);
  const char* (*error_string)(nvml_return);
};

namespace {

template <class F>
bool bind(void* handle, const char* symbol, F& out, std::string& err) {
  auto* sym = dlsym(handle, symbol);
  if (sym == nullptr) {
    err = std::string{"no "} + symbol + " in the NVIDIA management library";
    return false;
  }
  out = reinterpret_cast<F>(sym);
  return true;
}

} // namespace

std::unique_ptr<nvml> nvml::load(const std::string& library,
                                 std::string& err) {
  std::unique_ptr<nvml> result{new nvml};
  result->handle_ = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (result->handle_ == nullptr) {
    const char* why = dlerror();
    err = library + " not found (" + (why != nullptr ? why : "dlopen failed")
          + ")";
    return nullptr;
  }
  auto a = std::make_unique<api>();
  auto* h = result->handle_;
  if (!bind(h, "nvmlInit_v2", a->init, err)
      || !bind(h, "nvmlShutdown", a->shutdown, err)
      || !bind(h, "nvmlDeviceGetCount_v2", a->device_count, err)
      || !bind(h, "nvmlDeviceGetHandleByIndex_v2", a->device_by_index, err)
      || !bind(h, "nvmlDeviceGetUtilizationRates", a->utilization, err)
      || !bind(h, "nvmlDeviceGetMemoryInfo", a->memory, err)
      || !bind(h, "nvmlDeviceGetName", a->name, err)
      || !bind(h, "nvmlErrorString", a->error_string, err))
    return nullptr;
  if (auto rc = a->init(); rc != nvml_success) {
    err = std::string{"NVML did not start: "} + a->error_string(rc);
    return nullptr;
  }
  result->api_ = std::move(a);
  if (auto rc = result->api_->device_count(&result->count_);
      rc != nvml_success) {
    err = std::string{"NVML found no GPU: "} + result->api_->error_string(rc);
    return nullptr;
  }
  return result;
}

nvml::~nvml() {
  if (api_)
    api_->shutdown();
  if (handle_ != nullptr)
    dlclose(handle_);
}

std::vector<gpu_stats> nvml::read() {
  std::vector<gpu_stats> result;
  for (unsigned i = 0; i < count_; ++i) {
    nvml_device dev = nullptr;
    nvml_utilization util{};
    nvml_memory mem{};
    if (api_->device_by_index(i, &dev) != nvml_success
        || api_->utilization(dev, &util) != nvml_success
        || api_->memory(dev, &mem) != nvml_success)
      continue;
    gpu_stats g;
    g.index = i;
    char name[name_buffer_size] = {};
    if (api_->name(dev, name, name_buffer_size) == nvml_success) {
      name[name_buffer_size - 1] = '\0';
      g.name = name;
    }
    g.utilization = util.gpu > 100 ? 100.0 : static_cast<double>(util.gpu);
    g.memory_used = mem.used;
    g.memory_total = mem.total;
    result.push_back(std::move(g));
  }
  return result;
}

} // namespace kscope
