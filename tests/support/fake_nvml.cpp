// A stand-in for NVIDIA's libnvidia-ml.so.1 with the few functions kscope
// loads: two GPUs with fixed readings, so the GPU path is tested on
// machines without one.

#include <cstring>

extern "C" {

struct fake_device {
  unsigned index;
};

static fake_device devices[2] = {{0}, {1}};
static int initialised = 0;

int nvmlInit_v2() {
  initialised = 1;
  return 0;
}

int nvmlShutdown() {
  initialised = 0;
  return 0;
}

int nvmlDeviceGetCount_v2(unsigned* count) {
  *count = 2;
  return initialised ? 0 : 1;
}

int nvmlDeviceGetHandleByIndex_v2(unsigned index, fake_device** device) {
  if (index >= 2)
    return 2;
  *device = &devices[index];
  return 0;
}

struct utilization {
  unsigned gpu;
  unsigned memory;
};

int nvmlDeviceGetUtilizationRates(fake_device* device, utilization* out) {
  out->gpu = device->index == 0 ? 37 : 81;
  out->memory = 10;
  return 0;
}

struct memory {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
};

int nvmlDeviceGetMemoryInfo(fake_device* device, memory* out) {
  out->total = 8ull << 30;
  out->used = (device->index + 1ull) << 30;
  out->free = out->total - out->used;
  return 0;
}

int nvmlDeviceGetName(fake_device* device, char* name, unsigned length) {
  const char* names[] = {"Fake GPU Zero", "Fake GPU One"};
  std::strncpy(name, names[device->index], length);
  return 0;
}

const char* nvmlErrorString(int) {
  return "fake error";
}

} // extern "C"
